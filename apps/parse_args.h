#pragma once
// The command-line parsing every results command (`herd plot`, `export`,
// `report`, `diff`) does the same way: options and positionals through
// Boost.Program_options, --help to stdout (exit 0), any usage error to
// stderr with the help (exit 2).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace herd::apps {

struct CommandHelp {
  const char* name;   // "export": messages start "herd export: "
  const char* usage;  // printed above the options: synopsis, what it does, exit codes
};

// The positional arguments a command takes, in order: what each is called
// in messages ("results file DB") and how many must be given (the rest are
// optional).
struct Positionals {
  std::vector<const char*> names;
  std::size_t required = 0;
};

// Parses argv into `vm` with `opts` (which must have "help") and into
// `values` the positional arguments (at most positionals.names.size()).
// Returns the exit code to stop with — 0 after --help; 2 after a usage
// error (an unknown option, too many arguments, a required one missing),
// its message and the help printed — or nullopt to go on.
std::optional<int> parse_args(const CommandHelp& cmd, int argc, char** argv,
                              const boost::program_options::options_description& opts, const Positionals& positionals,
                              std::vector<std::string>& values, boost::program_options::variables_map& vm);

// Prints "herd NAME: <message>" and the help to stderr; returns 2.
int usage_error(const CommandHelp& cmd, const boost::program_options::options_description& opts,
                const std::string& message);

// A --seed value: a whole number 0..2^64-1 in plain decimal, as a
// scenario's seeds are; nullopt for anything else, a negative number too
// (po::value<std::uint64_t> would take "-1" as 18446744073709551615).
std::optional<std::uint64_t> parse_seed(const std::string& text);
// A run id (runs.id): a whole number from 1 to 2^63-1; nullopt otherwise.
std::optional<std::int64_t> parse_run_id(const std::string& text);

// "--seed '<text>': expected a whole number from 0 to 18446744073709551615"
std::string bad_seed_message(const std::string& text);

}  // namespace herd::apps
