// `herd demo`: one IAMAT flooded through a five-server preset on the
// in-memory driver, printing who learned the report, from whom, at which hop.
#include <iostream>
#include <string>

#include <boost/program_options.hpp>

#include "apps/commands.h"
#include "engine/memory/memory_network.h"
#include "topology/presets.h"

namespace po = boost::program_options;

namespace herd::apps {

int cmd_demo(int argc, char** argv) {
  po::options_description opts("herd demo [options]");
  std::string preset_name;
  std::string client;
  opts.add_options()("help,h", "show this help")(
      "preset", po::value(&preset_name)->default_value("hill"),
      "five-server preset: goloman, hill, riley, clark, bailey, alford")(
      "client", po::value(&client)->default_value("kiwi.cs.ucla.edu"), "client ID to report");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "herd demo: " << e.what() << "\n" << opts;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  const Preset* preset = find_preset(preset_name);
  if (!preset) {
    std::cerr << "herd demo: unknown preset '" << preset_name << "'\n";
    return 2;
  }
  const Topology topo = topology_of(*preset);
  memory::MemoryNetwork net(topo, 1'621'464'828'223'371'889);
  net.set_auto_places(true);
  const std::string origin = topo.names.front();
  const std::string line = "IAMAT " + client + " +34.068930-118.445127 1621464827.959498503";
  std::cout << "preset " << preset->name << ": " << topo.size() << " servers, " << topo.links.size()
            << " links\n";
  std::cout << "client -> " << origin << ": " << line << "\n";
  net.client_send(0, 1, line + "\n");
  std::cout << origin << " -> client: " << net.take_output(0, 1);
  std::cout << "flooding, one message at a time in send order:\n";
  std::size_t step = 0;
  while (!net.in_flight().empty()) {
    const auto& e = net.in_flight().front();
    const std::size_t to = e.to;
    const std::size_t before = net.node(to).table().size();
    const std::uint16_t hops = e.message.hops;
    net.deliver(0);
    const bool learned = net.node(to).table().size() > before;
    std::cout << "  " << ++step << ". " << net.trace().back()
              << (learned ? "   [" + topo.names[to] + " learns it at hop " + std::to_string(hops) + "]"
                          : "   [duplicate, dropped]")
              << "\n";
  }
  const std::size_t far = topo.size() - 1;
  std::cout << net.peer_messages_sent() << " peer messages; every server holds the report: "
            << std::boolalpha;
  bool all = true;
  for (std::size_t i = 0; i < topo.size(); ++i) all = all && net.node(i).table().size() == 1;
  std::cout << all << "\n";
  net.client_send(far, 2, "WHATSAT " + client + " 10 2\n");
  std::cout << "client -> " << topo.names[far] << ": WHATSAT " << client << " 10 2\n"
            << topo.names[far] << " -> client:\n" << net.take_output(far, 2);
  return all ? 0 : 1;
}

}  // namespace herd::apps
