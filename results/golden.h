#pragma once
// Golden-run regression checks (`herd sim SCENARIO --golden GOLDEN.sqlite`):
// a fresh run is compared with the run of the same scenario, seed, sweep
// point and mode in a golden results file. Semantics in
// docs/results-commands.md. No SQLite headers here.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "results/reader.h"
#include "results/run_record.h"

namespace herd::sqlite {
class Db;
}

namespace herd::results {

struct GoldenCheck {
  enum class Result { equal, different, no_match };
  Result result = Result::no_match;
  std::int64_t golden_run = 0;  // the matching run's id (when there is one)
  // For `different`: one line per differing table ("  updates: ...\n"); for
  // `no_match`: why, naming the golden file.
  std::string text;
};

class GoldenFile {
 public:
  // Throws std::runtime_error naming the file if it is not a readable herd
  // results file of this schema version.
  explicit GoldenFile(const std::string& path);
  ~GoldenFile();
  GoldenFile(const GoldenFile&) = delete;
  GoldenFile& operator=(const GoldenFile&) = delete;

  // Without `tolerance`: every table's rows for the run, exactly, except the
  // columns is_nondeterministic_column names. With it (a fraction >= 0):
  // only the summary figures that are not wall-clock, each within
  // |this - golden| <= tolerance x |golden| (NULL equals only NULL).
  GoldenCheck check(const RunRecord& run, std::optional<double> tolerance);

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  Reader reader_;
  std::unique_ptr<sqlite::Db> db_;
};

}  // namespace herd::results
