#include "results/export.h"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "kit/sqlite_db.h"
#include "results/schema.h"

namespace herd::results {

namespace {

std::vector<std::string> tables_of(sqlite::Db& db) {
  sqlite::Stmt st(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

// RFC 4180: a field holding a comma, a double quote, CR or LF is enclosed in
// double quotes, with each double quote inside doubled.
std::string csv_field(const sqlite::Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return "";
  std::string text = sqlite::value_text(v);
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

nlohmann::ordered_json json_value(const sqlite::Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

void write_csv(sqlite::Stmt& st, std::ostream& out) {
  const int n = st.column_count();
  for (int c = 0; c < n; ++c) out << (c ? "," : "") << csv_field(st.column_name(c));
  out << "\r\n";
  while (st.step()) {
    for (int c = 0; c < n; ++c) out << (c ? "," : "") << csv_field(st.value(c));
    out << "\r\n";
  }
}

void write_json(sqlite::Stmt& st, std::ostream& out) {
  const int n = st.column_count();
  std::vector<std::string> names;
  for (int c = 0; c < n; ++c) names.push_back(st.column_name(c));
  // One object per line, streamed: a big table never sits in memory whole.
  out << "[";
  bool first = true;
  while (st.step()) {
    nlohmann::ordered_json row = nlohmann::ordered_json::object();
    for (int c = 0; c < n; ++c) row[names[static_cast<std::size_t>(c)]] = json_value(st.value(c));
    out << (first ? "\n" : ",\n") << row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    first = false;
  }
  out << (first ? "]\n" : "\n]\n");
}

}  // namespace

std::vector<std::string> table_names(const std::string& db_path) {
  auto db = open_results_file(db_path);
  return tables_of(*db);
}

void export_table(const std::string& db_path, const std::string& table, ExportFormat format, std::ostream& out) {
  auto db = open_results_file(db_path);
  const auto tables = tables_of(*db);
  if (std::find(tables.begin(), tables.end(), table) == tables.end())
    throw std::invalid_argument(db->name() + ": no table '" + table + "'");
  // `table` is one of the file's own table names, so quoting it is enough.
  sqlite::Stmt st(*db, ("SELECT * FROM \"" + table + "\" ORDER BY rowid").c_str());
  if (format == ExportFormat::csv)
    write_csv(st, out);
  else
    write_json(st, out);
}

}  // namespace herd::results
