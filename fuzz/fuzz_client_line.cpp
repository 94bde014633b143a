// Arbitrary client bytes into a node of an in-memory five-server herd
// (engine/memory): the lines are framed as a socket would carry them, peer
// messages are delivered, places lookups answered by the offline provider.
// Checks what the protocol promises for any input: every byte of output is
// part of an "AT ..." reply or a "? ..." refusal, and the herd stays sane.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/memory/memory_network.h"
#include "topology/topology.h"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    __builtin_printf("fuzz_client_line: %s\n", what);
    std::abort();
  }
}

// Each line of a reply starts as a client reply may start; WHATSAT bodies
// (JSON after an AT line) are checked only for being closed by "\n\n".
void check_output(const std::string& out) {
  std::size_t pos = 0;
  while (pos < out.size()) {
    const std::string_view rest(out.data() + pos, out.size() - pos);
    check(rest.starts_with("AT ") || rest.starts_with("? "), "reply starts with neither 'AT ' nor '? '");
    const std::size_t nl = rest.find('\n');
    check(nl != std::string_view::npos, "reply without a newline");
    if (rest.size() > nl + 1 && rest[nl + 1] == '{') {
      const std::size_t end = rest.find("\n\n", nl + 1);
      check(end != std::string_view::npos, "WHATSAT body not closed by an empty line");
      pos += end + 2;
    } else {
      pos += nl + 1;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const herd::Topology topology = herd::topology_of(*herd::find_preset("hill"));
  herd::memory::MemoryNetwork net(topology);
  net.set_auto_places(true);
  // The first byte picks the server; the rest is sent in two pieces so a
  // line may be split across reads.
  if (size == 0) return 0;
  const std::size_t server = data[0] % net.size();
  const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t cut = bytes.size() / 2;
  net.client_send(server, 1, bytes.substr(0, cut));
  net.deliver_all();
  net.client_send(server, 1, bytes.substr(cut));
  net.client_shutdown(server, 1);
  net.deliver_all();
  check_output(net.take_output(server, 1));
  return 0;
}
