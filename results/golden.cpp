#include "results/golden.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "kit/sqlite_db.h"
#include "results/append_run.h"
#include "results/schema.h"
#include "results/summary_figures.h"

namespace herd::results {

namespace {

using Row = std::vector<sqlite::Value>;

// What of a table is compared: its key (the primary key without the run)
// and the deterministic columns outside the key, as SQLite lists them.
struct TableShape {
  std::string name;
  std::string run_column;  // "id" in runs, "run_id" elsewhere
  std::vector<std::string> keys, columns;
};

std::string rows(std::size_t n) { return std::to_string(n) + (n == 1 ? " row" : " rows"); }

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

std::vector<TableShape> shapes_of(sqlite::Db& db) {
  std::vector<TableShape> out;
  sqlite::Stmt tables(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid");
  while (tables.step()) {
    TableShape t;
    t.name = tables.text(0);
    t.run_column = t.name == "runs" ? "id" : "run_id";
    // pk is the column's position in the primary key (0 outside it).
    sqlite::Stmt info(db, ("SELECT name, pk FROM pragma_table_info(" + quoted(t.name) + ") ORDER BY pk, cid").c_str());
    while (info.step()) {
      const std::string column = info.text(0);
      if (column == t.run_column || is_nondeterministic_column(t.name, column)) continue;
      (info.int64(1) > 0 ? t.keys : t.columns).push_back(column);
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string select_sql(const TableShape& t) {
  std::string cols, order;
  for (const auto& k : t.keys) {
    cols += (cols.empty() ? "" : ", ") + quoted(k);
    order += (order.empty() ? "" : ", ") + quoted(k);
  }
  for (const auto& c : t.columns) cols += (cols.empty() ? "" : ", ") + quoted(c);
  return "SELECT " + cols + " FROM " + quoted(t.name) + " WHERE " + quoted(t.run_column) + " = ?1" +
         (order.empty() ? "" : " ORDER BY " + order);
}

Row row_of(const sqlite::Stmt& st, std::size_t from, std::size_t n) {
  Row row;
  for (std::size_t i = from; i < from + n; ++i) row.push_back(st.value(static_cast<int>(i)));
  return row;
}

std::string shown(const sqlite::Value& v) {
  std::string text = sqlite::value_text(v);
  if (std::holds_alternative<std::string>(v)) text = "'" + text + "'";
  constexpr std::size_t kMax = 60;
  return text.size() > kMax ? text.substr(0, kMax) + "..." : text;
}

std::string key_text(const TableShape& t, const Row& key) {
  if (key.empty()) return "the run's row";
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) out += (i ? ", " : "") + t.keys[i] + "=" + shown(key[i]);
  return out;
}

// Walks both runs' rows of one table in key order. Returns "" when equal,
// else one line: how many rows differ and the first difference.
std::string compare_table(const TableShape& t, sqlite::Db& mine, std::int64_t my_run, sqlite::Db& golden,
                          std::int64_t golden_run) {
  const std::string sql = select_sql(t);
  sqlite::Stmt a(mine, sql.c_str()), g(golden, sql.c_str());
  a.bind(1, my_run);
  g.bind(1, golden_run);
  const std::size_t nk = t.keys.size(), nc = t.columns.size();
  std::size_t rows_a = 0, rows_g = 0, differ = 0, only_a = 0, only_g = 0;
  std::string first;
  bool has_a = a.step(), has_g = g.step();
  while (has_a || has_g) {
    const Row ka = has_a ? row_of(a, 0, nk) : Row{}, kg = has_g ? row_of(g, 0, nk) : Row{};
    if (has_a && has_g && ka == kg) {
      const Row va = row_of(a, nk, nc), vg = row_of(g, nk, nc);
      if (va != vg) {
        ++differ;
        for (std::size_t c = 0; c < nc && first.empty(); ++c)
          if (va[c] != vg[c])
            first = "at " + key_text(t, ka) + ": " + t.columns[c] + " " + shown(va[c]) + " (this run) vs " +
                    shown(vg[c]) + " (golden)";
      }
      ++rows_a, ++rows_g;
      has_a = a.step();
      has_g = g.step();
    } else if (!has_g || (has_a && ka < kg)) {
      if (first.empty()) first = "at " + key_text(t, ka) + ": a row only in this run";
      ++only_a, ++rows_a;
      has_a = a.step();
    } else {
      if (first.empty()) first = "at " + key_text(t, kg) + ": a row only in golden";
      ++only_g, ++rows_g;
      has_g = g.step();
    }
  }
  if (first.empty()) return "";
  std::string line = "  " + t.name + ": ";
  if (differ) line += std::to_string(differ) + " of " + rows(rows_g) + (differ == 1 ? " differs, " : " differ, ");
  if (only_a) line += rows(only_a) + " only in this run (of " + std::to_string(rows_a) + "), ";
  if (only_g) line += rows(only_g) + " only in golden (of " + std::to_string(rows_g) + "), ";
  return line + "first " + first + "\n";
}

std::string compare_exactly(const RunRecord& run, sqlite::Db& golden, std::int64_t golden_run) {
  sqlite::Db mine(":memory:", sqlite::Db::Mode::read_write_create, "this run");
  const std::int64_t my_run = append_run(mine, run);
  std::string text;
  for (const auto& t : shapes_of(golden)) text += compare_table(t, mine, my_run, golden, golden_run);
  return text;
}

std::string compare_summary(const Summary& mine, const Summary& golden, double tolerance) {
  const auto a = summary_figures(mine), g = summary_figures(golden);
  std::string text;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].wall_clock) continue;
    const auto& x = a[i].value;
    const auto& y = g[i].value;
    if (!x && !y) continue;
    if (x && y && std::fabs(*x - *y) <= tolerance * std::fabs(*y)) continue;
    std::string off;
    if (x && y && *y != 0) {
      char buf[48];
      std::snprintf(buf, sizeof buf, ", off by %.2f%%", 100 * std::fabs(*x - *y) / std::fabs(*y));
      off = buf;
    }
    text += "  summary: " + std::string(a[i].name) + " " + format_figure(a[i]) + " (this run) vs " +
            format_figure(g[i]) + " (golden)" + off + "\n";
  }
  return text;
}

}  // namespace

GoldenFile::GoldenFile(const std::string& path) : path_(path), reader_(path), db_(open_results_file(path)) {}

GoldenFile::~GoldenFile() = default;

GoldenCheck GoldenFile::check(const RunRecord& run, std::optional<double> tolerance) {
  const RunFilter same{run.info.scenario_name, run.info.seed, std::nullopt, run.info.sweep_point_json, run.info.mode};
  std::optional<StoredRun> match;
  std::size_t held = 0;
  for (auto& r : reader_.runs()) {
    ++held;
    if (same.matches(r)) match = std::move(r);  // the last one written wins
  }
  GoldenCheck out;
  if (!match) {
    out.text = "golden file '" + path_ + "' has no " + run.info.mode + " run of scenario '" + run.info.scenario_name +
               "' with seed " + std::to_string(run.info.seed) + " and sweep point " + run.info.sweep_point_json +
               " (it holds " + std::to_string(held) + " runs: herd report '" + path_ + "' lists them)";
    return out;
  }
  out.golden_run = match->id;
  out.text = tolerance ? compare_summary(run.summary, match->summary, *tolerance) : compare_exactly(run, *db_, match->id);
  out.result = out.text.empty() ? GoldenCheck::Result::equal : GoldenCheck::Result::different;
  return out;
}

}  // namespace herd::results
