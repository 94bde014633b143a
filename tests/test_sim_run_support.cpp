#include "test_sim_run_support.h"

#include <sqlite3.h>

#include <sstream>
#include <stdexcept>
#include <vector>

namespace herd::simtest {

namespace {
template <class T>
std::string opt(const std::optional<T>& v) {
  return v ? std::to_string(*v) : "null";
}
}  // namespace

std::string canonical(const results::RunRecord& r) {
  std::ostringstream o;
  o.precision(17);
  const auto& i = r.info;
  o << "info " << i.mode << '|' << i.scenario_name << '|' << i.scenario_path << '|' << i.scenario_json << '|'
    << i.sweep_point_json << '|' << i.seed << '|' << i.strategy << '|' << i.topology << '|' << i.code_version << '|'
    << i.duration << '\n';
  for (const auto& n : r.nodes) o << "node " << n.id << ' ' << n.name << ' ' << n.degree << ' ' << n.clock_skew << '\n';
  for (const auto& l : r.links) o << "link " << l.a << ' ' << l.b << ' ' << l.latency << ' ' << l.loss << '\n';
  for (const auto& f : r.faults) o << "fault " << f.at << ' ' << f.kind << ' ' << f.target << '\n';
  for (const auto& u : r.updates)
    o << "update " << u.id << ' ' << u.client << ' ' << u.origin << ' ' << u.issued_at << ' ' << u.reachable << ' '
      << u.reached << ' ' << opt(u.convergence) << ' ' << u.sampled << '\n';
  for (const auto& d : r.deliveries) o << "delivery " << d.update << ' ' << d.node << ' ' << d.at << ' ' << d.hops << '\n';
  for (const auto& m : r.messages) o << "messages " << m.kind << ' ' << m.count << '\n';
  for (const auto& x : r.reads) o << "read " << x.id << ' ' << x.at << ' ' << x.node << ' ' << x.client << ' ' << x.saw_newest << '\n';
  for (const auto& c : r.coverage) o << "coverage " << c.at << ' ' << c.coverage << '\n';
  const auto& s = r.summary;
  o << "summary " << s.updates << ' ' << s.converged_updates << ' ' << opt(s.convergence_p50) << ' '
    << opt(s.convergence_p90) << ' ' << opt(s.convergence_p99) << ' ' << opt(s.convergence_max) << ' ' << s.coverage
    << ' ' << s.messages_per_update << ' ' << s.duplicate_ratio << ' ' << s.reads << ' ' << s.stale_read_fraction
    << ' ' << s.events_processed << '\n';
  return o.str();
}

std::string dump_db(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path);
  }
  std::ostringstream out;
  auto query = [&](const std::string& sql, auto&& row) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sql: ") + sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) row(st);
    sqlite3_finalize(st);
  };
  std::vector<std::string> tables;
  query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        [&](sqlite3_stmt* st) { tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0))); });
  for (const auto& t : tables) {
    out << "table " << t << '\n';
    query("SELECT * FROM \"" + t + "\" ORDER BY 1, 2", [&](sqlite3_stmt* st) {
      for (int c = 0; c < sqlite3_column_count(st); ++c) {
        const std::string col = sqlite3_column_name(st, c);
        if ((t == "runs" && col == "created_at") ||
            (t == "summary" && (col == "wall_seconds" || col == "peak_rss_bytes")))
          continue;
        const unsigned char* v = sqlite3_column_text(st, c);
        out << col << '=' << (v ? reinterpret_cast<const char*>(v) : "NULL") << ' ';
      }
      out << '\n';
    });
  }
  sqlite3_close(db);
  return out.str();
}

harness::RunOutcome run_text(const std::string& json, const harness::RunOptions& options) {
  const auto points = sim::parse_scenario_text(json, "test.json");
  return harness::run_scenario(points.at(0), points[0].seeds.at(0), options);
}

}  // namespace herd::simtest
