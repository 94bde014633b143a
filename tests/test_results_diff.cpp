// `herd diff` (results::diff_table) on real results files: figures, message
// kinds, ratios, run selection and every exit code.
#include <catch2/catch.hpp>

#include <string>

#include "results/store.h"
#include "tests/test_results_support.h"

using namespace herd::results;
using namespace herd::results::test;
using Catch::Matchers::Contains;

namespace {

// Runs of spaces become one, so checks do not depend on column widths.
std::string squeezed(const std::string& text) {
  std::string out;
  for (const char c : text)
    if (!(c == ' ' && !out.empty() && out.back() == ' ')) out += c;
  return out;
}

}  // namespace

TEST_CASE("diff: two files of one run each, side by side with ratios B/A", "[results][diff][cli]") {
  TempDir dir;
  const std::string a = dir.file("a.sqlite"), b = dir.file("b.sqlite");
  write_run(a, synthetic_record(0));
  RunRecord rb = synthetic_record(1);
  rb.info.mode = "live";
  rb.messages.push_back({"repair_sent", 5});  // a kind only B has
  rb.summary.convergence_p99.reset();         // a NULL figure
  write_run(b, rb);
  const Outcome o = run_herd("diff " + a + " " + b);
  REQUIRE(o.exit_code == 0);
  const std::string s = squeezed(o.output);
  CHECK_THAT(s, Contains("A: results file '" + a + "' run 1: sim, scenario 'synthetic-0', flooding, seed 7, sweep point {\"fanout\":2}\n"));
  CHECK_THAT(s, Contains("B: results file '" + b + "' run 1: live, scenario 'synthetic-1', gossip, seed 8, sweep point {\"fanout\":3}\n"));
  CHECK_THAT(s, Contains("\nsummary A B B/A\n"));
  CHECK_THAT(s, Contains("\nupdates 3 3 1.000\n"));
  CHECK_THAT(s, Contains("\nmessages_per_update 14.00 15.00 1.071\n"));
  CHECK_THAT(s, Contains("\nconvergence_p99_ns 30.000ms - -\n"));
  CHECK_THAT(s, Contains("\nevents_processed 123456 123457 1.000\n"));
  CHECK_THAT(s, Contains("\nmessages A B B/A\nupdate_sent 42 43 1.024\nupdate_duplicate 17 17 1.000\n"
                         "dropped_loss 3 3 1.000\nrepair_sent 0 5 -\n"));
}

TEST_CASE("diff: --run picks A's run then B's, in one file or two", "[results][diff][cli]") {
  TempDir dir;
  const std::string db = dir.file("r.sqlite");
  write_run(db, synthetic_record(0));
  write_run(db, synthetic_record(1));
  write_run(db, synthetic_record(2));
  Outcome o = run_herd("diff " + db + " " + db + " --run 3 --run 1");
  REQUIRE(o.exit_code == 0);
  std::string s = squeezed(o.output);
  CHECK_THAT(s, Contains("A: results file '" + db + "' run 3: sim, scenario 'synthetic-2'"));
  CHECK_THAT(s, Contains("B: results file '" + db + "' run 1: sim, scenario 'synthetic-0'"));
  CHECK_THAT(s, Contains("\nmessages_per_update 16.00 14.00 0.875\n"));

  // One --run picks A's; B's single run needs none.
  const std::string one = dir.file("one.sqlite");
  write_run(one, synthetic_record(1));
  o = run_herd("diff " + db + " " + one + " --run 2");
  REQUIRE(o.exit_code == 0);
  s = squeezed(o.output);
  CHECK_THAT(s, Contains("A: results file '" + db + "' run 2: sim, scenario 'synthetic-1'"));
  CHECK_THAT(s, Contains("\nupdate_sent 43 43 1.000\n"));
}

TEST_CASE("diff: an undetermined or missing run, bad usage and bad files exit 2", "[results][diff][cli]") {
  TempDir dir;
  const std::string db = dir.file("r.sqlite"), one = dir.file("one.sqlite");
  write_run(db, synthetic_record(0));
  write_run(db, synthetic_record(1));
  write_run(one, synthetic_record(0));

  Outcome o = run_herd("diff --help");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Contains("usage: herd diff A.sqlite B.sqlite") && Contains("exit codes"));

  o = run_herd("diff " + db + " " + one);
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("results file '" + db + "' holds 2 runs: pick one with --run (its runs: 1, 2)"));
  o = run_herd("diff " + db + " " + one + " --run 9");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("results file '" + db + "': no run with id 9 (its runs: 1, 2)"));
  o = run_herd("diff " + one + " " + one + " --run 1 --run 2");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("no run with id 2 (its runs: 1)"));
  o = run_herd("diff " + db + " " + db + " --run 0 --run 1");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("--run '0': expected a run id"));
  o = run_herd("diff " + db + " " + db + " --run x");
  CHECK(o.exit_code == 2);
  CHECK(run_herd("diff " + db + " " + db + " --run 1 --run 2 --run 1").exit_code == 2);
  o = run_herd("diff " + one);
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("missing results file B"));
  CHECK(run_herd("diff " + one + " " + one + " " + one).exit_code == 2);
  o = run_herd("diff " + one + " " + dir.file("none.sqlite"));
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("none.sqlite': no such file"));
  set_version(one, older_version());
  o = run_herd("diff " + one + " " + db + " --run 1 --run 1");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains(one) && Contains(version_refusal(older_version())));
}
