#include "apps/parse_args.h"

#include <iostream>
#include <string>

namespace po = boost::program_options;

namespace herd::apps {

int usage_error(const CommandHelp& cmd, const po::options_description& opts, const std::string& message) {
  std::cerr << "herd " << cmd.name << ": " << message << "\n\n" << cmd.usage << "\n" << opts;
  return 2;
}

std::optional<int> parse_args(const CommandHelp& cmd, int argc, char** argv, const po::options_description& opts,
                              const po::options_description& positionals, const po::positional_options_description& pos,
                              po::variables_map& vm) {
  po::options_description all;
  all.add(opts).add(positionals);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    return usage_error(cmd, opts, e.what());
  }
  if (vm.count("help")) {
    std::cout << cmd.usage << "\n" << opts;
    return 0;
  }
  return std::nullopt;
}

}  // namespace herd::apps
