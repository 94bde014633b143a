// Lines per second through the protocol codec and through a node handling
// IAMATs (parse, table update, reply, flood to three neighbours).
// Run: build/bench/bench_node   (items_per_second is lines per second)
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "herd/client_command.h"
#include "herd/node.h"

namespace {

class NullContext final : public herd::NodeContext {
 public:
  herd::Nanos now() override { return 1'700'000'000'000'000'000; }
  void send_to_client(herd::ConnId, std::string_view b) override { bytes += b.size(); }
  void close_client(herd::ConnId) override {}
  void send_to_peer(herd::PeerId, const herd::PeerMessage&) override { ++peer_sends; }
  void start_timer(herd::TimerId, herd::Nanos) override {}
  void lookup_places(herd::LookupId, const herd::PlacesQuery&) override {}
  herd::NodeObserver& observer() override { return obs; }
  herd::NodeObserver obs;
  std::size_t bytes = 0, peer_sends = 0;
};

std::vector<std::string> make_lines(std::size_t clients, std::size_t rounds) {
  std::vector<std::string> lines;
  lines.reserve(clients * rounds);
  for (std::size_t r = 0; r < rounds; ++r) {
    for (std::size_t c = 0; c < clients; ++c) {
      lines.push_back("IAMAT client-" + std::to_string(c) + ".example.org +34.068930-118.445127 " +
                      std::to_string(1'621'464'827 + r) + ".959498503");
    }
  }
  return lines;
}

void BM_ParseIamat(benchmark::State& state) {
  const auto lines = make_lines(1000, 1);
  std::size_t i = 0;
  for (auto _ : state) {
    auto cmd = herd::parse_client_line(lines[i++ % lines.size()]);
    benchmark::DoNotOptimize(cmd);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseIamat);

void BM_NodeIamat(benchmark::State& state) {
  const auto lines = make_lines(static_cast<std::size_t>(state.range(0)), 64);
  NullContext ctx;
  herd::ClientDirectory clients;
  herd::Node node({"Hill", {1, 2, 3}, true}, ctx, clients, herd::make_flooding());
  std::size_t i = 0;
  for (auto _ : state) {
    node.on_client_line(1, lines[i++ % lines.size()]);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["peer_sends_per_line"] =
      static_cast<double>(ctx.peer_sends) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_NodeIamat)->Arg(1000)->Arg(100000);

}  // namespace

BENCHMARK_MAIN();
