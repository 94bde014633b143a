// `herd plot` as a user runs it: the real binary on a real results file.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

#include "results/store.h"
#include "tests/test_results_support.h"

using namespace herd::results;
using namespace herd::results::test;
using Catch::Matchers::Contains;

TEST_CASE("cli: herd plot DB writes the PNGs beside the DB by default and lists them", "[results][cli]") {
  TempDir dir;
  const std::string db = dir.file("runs.db");
  write_run(db, synthetic_record(0));
  const Outcome o = run_herd("plot " + db);
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Contains(dir.file("runs-plots/convergence_cdf.png")));
  CHECK_THAT(o.output, Contains(dir.file("runs-plots/coverage.png")));
  CHECK_THAT(o.output, Contains(dir.file("runs-plots/reach.png")));
  CHECK(std::filesystem::file_size(dir.file("runs-plots/convergence_cdf.png")) > 100);
  CHECK(std::filesystem::file_size(dir.file("runs-plots/coverage.png")) > 100);
}

TEST_CASE("cli: herd plot --out DIR and a sweep", "[results][cli]") {
  TempDir dir;
  const std::string db = dir.file("sweep.sqlite");
  write_run(db, synthetic_record(0));
  write_run(db, synthetic_record(1));
  const Outcome o = run_herd("plot " + db + " --out " + dir.file("p"));
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Contains(dir.file("p/sweep_fanout.png")));
  CHECK(std::filesystem::exists(dir.file("p/sweep_fanout.png")));
}

TEST_CASE("cli: herd plot on a missing file exits 2 naming it", "[results][cli]") {
  TempDir dir;
  const Outcome o = run_herd("plot " + dir.file("missing.db"));
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains(dir.file("missing.db")) && Contains("no such file"));
}

TEST_CASE("cli: herd plot on a results file with nothing to plot exits 1", "[results][cli]") {
  TempDir dir;
  const std::string db = dir.file("bare.db");
  RunRecord r = synthetic_record();
  r.updates.clear();
  r.deliveries.clear();
  r.coverage.clear();
  write_run(db, r);
  const Outcome o = run_herd("plot " + db + " --out " + dir.file("p"));
  CHECK(o.exit_code == 1);
  CHECK_THAT(o.output, Contains(db) && Contains("no run has convergence or coverage data"));
}

TEST_CASE("cli: herd plot on an older or newer results schema exits 2 naming the file and both versions",
          "[results][cli]") {
  TempDir dir;
  const std::string db = dir.file("v.db");
  write_run(db, synthetic_record(0));
  set_version(db, older_version());
  Outcome o = run_herd("plot " + db + " --out " + dir.file("p"));
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains(db) && Contains(version_refusal(older_version())));
  set_version(db, newer_version());
  o = run_herd("plot " + db + " --out " + dir.file("p"));
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains(db) && Contains(version_refusal(newer_version())));
  CHECK_FALSE(std::filesystem::exists(dir.file("p/convergence_cdf.png")));
}

TEST_CASE("cli: herd sim --out into a file of another schema version exits 2 before running, file untouched",
          "[results][cli]") {
  TempDir dir;
  const std::string scenario = write_tiny_scenario(dir);
  const std::string db = dir.file("old.db");
  write_run(db, synthetic_record(0));
  set_version(db, older_version());
  const std::string before = read_file_bytes(db);
  const Outcome o = run_herd("sim " + scenario + " --out " + db + " --quiet");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("--out") && Contains(db) && Contains(version_refusal(older_version())));
  CHECK_THAT(o.output, !Contains("p50"));  // nothing ran
  CHECK(read_file_bytes(db) == before);

  // The same command into a new file runs and appends.
  const Outcome ok = run_herd("sim " + scenario + " --out " + dir.file("new.db") + " --quiet");
  CHECK(ok.exit_code == 0);
  CHECK(count_rows(dir.file("new.db"), "runs") == 1);
}
