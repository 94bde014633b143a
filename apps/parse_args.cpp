#include "apps/parse_args.h"

#include <charconv>
#include <cstdint>
#include <iostream>
#include <string>
#include <system_error>

namespace po = boost::program_options;

namespace herd::apps {

int usage_error(const CommandHelp& cmd, const po::options_description& opts, const std::string& message) {
  std::cerr << "herd " << cmd.name << ": " << message << "\n\n" << cmd.usage << "\n" << opts;
  return 2;
}

std::optional<int> parse_args(const CommandHelp& cmd, int argc, char** argv, const po::options_description& opts,
                              const Positionals& positionals, std::vector<std::string>& values, po::variables_map& vm) {
  po::options_description hidden;
  hidden.add_options()("positional", po::value(&values));
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("positional", static_cast<int>(positionals.names.size()));
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
  if (values.size() < positionals.required)
    return usage_error(cmd, opts, std::string("missing ") + positionals.names[values.size()]);
  values.resize(positionals.names.size());  // optional ones not given read as ""
  return std::nullopt;
}

std::optional<std::uint64_t> parse_seed(const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_run_id(const std::string& text) {
  const auto v = parse_seed(text);
  if (!v || *v == 0 || *v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

std::string bad_seed_message(const std::string& text) {
  return "--seed '" + text + "': expected a whole number from 0 to 18446744073709551615";
}

}  // namespace herd::apps
