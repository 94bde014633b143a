#pragma once
// Copies one table of a results file out as CSV or JSON, for pandas, R and
// spreadsheets (`herd export`). No SQLite headers here.
#include <ostream>
#include <string>
#include <vector>

namespace herd::results {

enum class ExportFormat {
  csv,   // RFC 4180: a header row of column names, CRLF line ends, fields quoted when needed, NULL empty
  json,  // an array of objects, one per row, keys in column order, NULL as null
};

// The tables of the results file at `db_path`, sorted by name. Throws
// std::runtime_error naming the file if it is not a readable herd results
// file of this schema version.
std::vector<std::string> table_names(const std::string& db_path);

// Writes every row of `table` (one of table_names) in the order written,
// every column, to `out`. Throws std::invalid_argument for a table the file
// does not have, std::runtime_error for anything else.
void export_table(const std::string& db_path, const std::string& table, ExportFormat format, std::ostream& out);

}  // namespace herd::results
