#pragma once
// Shared helpers for the results tests: a temporary directory removed at the
// end of each test, a synthetic RunRecord, and raw SQLite queries that check
// the file independently of results::Reader.
#include <cstdint>
#include <filesystem>
#include <string>

#include "results/run_record.h"

namespace herd::results::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A small but complete run: every table gets rows, with distinctive values.
// `variant` changes the values so two records differ.
RunRecord synthetic_record(int variant = 0);

// Writes a two-second scenario named "tiny" (seed 5, the five-server preset,
// three clients) into `dir`, for real `herd sim` runs well under a second.
// Returns its path.
std::string write_tiny_scenario(const TempDir& dir);

// SELECT count(*) FROM `table` [WHERE run_id = run] through the C API.
std::int64_t count_rows(const std::string& db, const std::string& table, std::int64_t run = -1);
// Runs one SQL statement through the C API (fails the test on error).
void exec_sql(const std::string& db, const std::string& sql);
std::int64_t query_int(const std::string& db, const std::string& sql);

std::string read_file_bytes(const std::string& path);

// Schema versions around the one this code writes (results::kSchemaVersion),
// so version checks keep testing "older" and "newer" when it is bumped.
std::int64_t older_version();
std::int64_t newer_version();
// Sets the file's PRAGMA user_version to `version`.
void set_version(const std::string& db, std::int64_t version);
// What the refusal says: "schema version <v> is older than version <ours>" (or newer).
std::string version_refusal(std::int64_t version);

// The real `herd` binary (HERD_BIN) run with `args` through the shell.
struct Outcome {
  int exit_code = -1;
  std::string output;  // what the run wrote (see each function)
};
// Standard output and standard error together.
Outcome run_herd(const std::string& args);
// Standard output only (standard error discarded), e.g. for exact CSV.
Outcome run_herd_stdout(const std::string& args);

}  // namespace herd::results::test
