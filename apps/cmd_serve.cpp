// `herd serve --config FILE --name NAME`: runs one server of a live herd in
// the foreground until SIGINT or SIGTERM.
#include <iostream>
#include <string>

#include <boost/program_options.hpp>

#include "apps/commands.h"
#include "engine/asio/herd_config.h"
#include "engine/asio/live_server.h"

namespace po = boost::program_options;

namespace herd::apps {

int cmd_serve(int argc, char** argv) {
  po::options_description opts(
      "herd serve --config FILE --name NAME\n"
      "Runs server NAME of the herd in FILE (see docs/live.md) until Ctrl-C.\n"
      "Peers authenticate by HMAC: the secret is the config's \"secret\", $HERD_SECRET,\n"
      "or the secret file beside the config (created on first use, mode 0600).\n"
      "With \"data_dir\", the table is kept on disk and loaded before clients are\n"
      "accepted; a table file that is corrupt or another server's stops it (exit 1).\n"
      "\"strategy\" is flooding (the default) or gossip, as in scenario files.\n"
      "Exit codes: 0 stopped by Ctrl-C/SIGTERM; 1 the server cannot start or run (a port\n"
      "in use, a host that does not resolve: the message names the field); 2 bad usage or\n"
      "a config that is invalid (the message names the file, field and reason).\n"
      "--check loads and validates the config and NAME as a start would (creating the\n"
      "secret file if missing) and exits 0 without listening.\n\noptions");
  std::string config_path;
  std::string name;
  opts.add_options()("help,h", "show this help")("config", po::value(&config_path), "herd config (JSON)")(
      "name", po::value(&name), "which server of the config to run")(
      "check", "only validate the config and the name; start nothing");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "herd serve: " << e.what() << "\n" << opts;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts;
    return 0;
  }
  if (config_path.empty() || name.empty()) {
    std::cerr << "herd serve: --config and --name are required\n" << opts;
    return 2;
  }
  try {
    const live::HerdConfig config = live::load_herd_config(config_path);
    if (!config.find(name)) {
      std::cerr << "herd serve: " << config_path << ": servers: no server named '" << name << "' (have:";
      for (const auto& n : config.names()) std::cerr << " " << n;
      std::cerr << ")\n";
      return 2;
    }
    if (vm.count("check")) {
      const auto* self = config.find(name);
      std::cout << "ok: herd config " << config_path << ", server " << name << " (clients on " << self->host << ":"
                << self->port << "), " << config.names().size() << " server(s)\n";
      return 0;
    }
    live::LiveServer server(config, name);
    server.run(/*stop_on_signals=*/true);
    return 0;
  } catch (const live::ConfigError& e) {
    std::cerr << "herd serve: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "herd serve: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace herd::apps
