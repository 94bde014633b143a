#pragma once
// Reads runs back from a results file (schema in docs/results-schema.md): the
// plots, `herd plot` and the tests use it. Opens the file read-only and never
// creates one. No SQLite headers here.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "results/run_record.h"

namespace herd::sqlite {
class Db;
}

namespace herd::results {

// One row of `runs` with its `summary`.
struct StoredRun {
  std::int64_t id = 0;
  RunInfo info;
  std::string created_at;  // wall-clock UTC, ISO 8601: excluded from determinism checks
  Summary summary;
};

// Which runs a command is about; an unset field matches every run.
struct RunFilter {
  std::optional<std::string> scenario;  // runs.scenario_name
  std::optional<std::uint64_t> seed;
  // runs.strategy as stored ("gossip(fanout=3)"), or its name alone ("gossip")
  std::optional<std::string> strategy;
  std::optional<std::string> sweep_point_json;
  std::optional<std::string> mode;  // "sim" or "live"
  bool matches(const StoredRun& run) const;
};

class Reader {
 public:
  // Throws std::runtime_error naming the file if it is missing, not an SQLite
  // database, not a herd results file, or of another schema version.
  explicit Reader(const std::string& db_path);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  const std::string& path() const;

  // Every run in id order.
  std::vector<StoredRun> runs();
  // Every table's rows for one run, in the order they were written. Throws if
  // there is no run `id`.
  RunRecord load_run(std::int64_t id);
  // The convergence times of the run's converged updates, ascending: until
  // each reachable server held the update or a newer one, or with `exact`
  // this very update (updates.exact_convergence_ns).
  std::vector<Nanos> convergence_times(std::int64_t id, bool exact = false);
  std::vector<CoverageSample> coverage(std::int64_t id);
  // (issued_at, reached) of every update, in issue order.
  std::vector<std::pair<Nanos, std::uint32_t>> update_reach(std::int64_t id);
  std::uint32_t node_count(std::int64_t id);
  std::vector<FaultRow> faults(std::int64_t id);
  // The run's message counts by kind, in the order written.
  std::vector<MessageCount> messages(std::int64_t id);

 private:
  std::unique_ptr<sqlite::Db> db_;
};

}  // namespace herd::results
