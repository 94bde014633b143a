// `herd plot` as a user runs it: the real binary on a real results file.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "results/store.h"
#include "tests/test_results_support.h"

using namespace herd::results;
using namespace herd::results::test;
using Catch::Matchers::Contains;

namespace {

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

Outcome run_herd(const std::string& args) {
  const std::string cmd = std::string(HERD_BIN) + " " + args + " 2>&1";
  Outcome o;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) o.output.append(buf, n);
  const int status = ::pclose(p);
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return o;
}

}  // namespace

TEST_CASE("cli: herd plot DB writes the PNGs beside the DB by default and lists them", "[results][cli]") {
  TempDir dir;
  const std::string db = dir.file("runs.db");
  write_run(db, synthetic_record(0));
  const Outcome o = run_herd("plot " + db);
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Contains(dir.file("runs-plots/convergence_cdf.png")));
  CHECK_THAT(o.output, Contains(dir.file("runs-plots/coverage.png")));
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
