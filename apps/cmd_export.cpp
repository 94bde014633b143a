// `herd export DB TABLE [--format csv|json]`: one table of a results file on
// standard output, for pandas, R and spreadsheets (results::export_table).
#include <iostream>
#include <stdexcept>
#include <string>

#include "apps/commands.h"
#include "apps/parse_args.h"
#include "results/export.h"

namespace po = boost::program_options;

namespace herd::apps {

namespace {

constexpr CommandHelp kHelp{
    "export",
    "usage: herd export DB TABLE [--format csv|json]\n\n"
    "Writes every row of one table of a results file (runs, nodes, links, faults,\n"
    "updates, deliveries, messages, reads, coverage, summary: docs/results-schema.md)\n"
    "to standard output, in the order written, every column:\n"
    "  csv   RFC 4180: a header row of column names, CRLF line ends, fields holding\n"
    "        a comma, quote or line break quoted (quotes doubled), NULL as an empty field\n"
    "  json  an array of objects, one per row, keys in column order, NULL as null\n"
    "Reals are written in the fewest digits that read back exactly (0.05).\n\n"
    "exit codes: 0 written; 1 failure (e.g. writing the output);\n"
    "            2 bad usage or input (a missing or not-a-results file, another schema\n"
    "              version, a table the file does not have: the message lists its tables)\n"};

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

int cmd_export(int argc, char** argv) {
  std::string format = "csv";
  po::options_description opts("options");
  opts.add_options()("help,h", "show this help")("format", po::value(&format), "csv (default) or json");
  std::vector<std::string> args;
  po::variables_map vm;
  // TABLE is checked below, where a missing one can be told the file's tables.
  if (auto code = parse_args(kHelp, argc, argv, opts, {{"results file DB", "TABLE"}, 1}, args, vm)) return *code;
  const std::string &db = args[0], &table = args[1];
  if (format != "csv" && format != "json")
    return usage_error(kHelp, opts, "--format '" + format + "': expected csv or json");

  std::vector<std::string> tables;
  try {
    tables = results::table_names(db);
  } catch (const std::exception& e) {
    std::cerr << "herd export: " << e.what() << "\n";
    return 2;
  }
  if (table.empty()) return usage_error(kHelp, opts, "missing TABLE (the file has: " + joined(tables) + ")");
  try {
    results::export_table(db, table, format == "csv" ? results::ExportFormat::csv : results::ExportFormat::json,
                          std::cout);
    std::cout.flush();
    if (!std::cout) throw std::runtime_error("cannot write to standard output");
  } catch (const std::invalid_argument& e) {
    std::cerr << "herd export: " << e.what() << "; its tables: " << joined(tables) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "herd export: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace herd::apps
