// Arbitrary peer lines into the peer message decoder (herd/peer_message.h)
// and the handshake decoders (engine/asio/peer_wire.h). Property: what
// parses strictly prints back as the very same line, so the decoders accept
// exactly the documented grammar and nothing is silently normalised.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/asio/peer_wire.h"
#include "herd/client_directory.h"
#include "herd/peer_message.h"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    __builtin_printf("fuzz_peer_line: %s\n", what);
    std::abort();
  }
}

std::string without_newline(std::string s) {
  check(!s.empty() && s.back() == '\n', "formatted line does not end with a newline");
  s.pop_back();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  herd::ClientDirectory clients;
  herd::PeerMessage m;
  if (herd::parse_peer_message(line, clients, m)) {
    std::string printed = herd::format_peer_message(m);
    if (!printed.empty() && printed.back() == '\n') printed.pop_back();
    // A repair comes back with hops 1, which prints as a repair again.
    check(printed == line, "a parsed peer message prints differently");
    herd::PeerMessage again;
    check(herd::parse_peer_message(printed, clients, again), "a printed peer message does not parse");
  }
  namespace wire = herd::live::wire;
  wire::Hello h;
  if (wire::parse_hello(line, h)) {
    check(without_newline(wire::hello(h.dialer, h.nonce, h.version)) == line, "HELLO round trip");
  }
  wire::Challenge c;
  if (wire::parse_challenge(line, c)) {
    check(without_newline(wire::challenge(c.acceptor, c.nonce, c.proof)) == line, "challenge round trip");
  }
  std::string proof;
  if (wire::parse_auth(line, proof)) {
    check(without_newline(wire::auth(proof)) == line, "AUTH round trip");
  }
  return 0;
}
