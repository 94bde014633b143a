// `herd export` (results::export_table) on real results files: exact CSV
// and JSON, quoting, and every exit code.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "results/export.h"
#include "results/store.h"
#include "tests/test_results_support.h"

using namespace herd::results;
using namespace herd::results::test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

TEST_CASE("export: messages as CSV is the header and the rows in order, CRLF line ends", "[results][export]") {
  TempDir dir;
  const std::string db = dir.file("r.sqlite");
  write_run(db, synthetic_record(0));
  write_run(db, synthetic_record(1));
  const Outcome o = run_herd_stdout("export " + db + " messages --format csv");
  CHECK(o.exit_code == 0);
  CHECK(o.output ==
        "run_id,kind,count\r\n"
        "1,update_sent,42\r\n1,update_duplicate,17\r\n1,dropped_loss,3\r\n"
        "2,update_sent,43\r\n2,update_duplicate,17\r\n2,dropped_loss,3\r\n");
  // csv is the default format.
  CHECK(run_herd_stdout("export " + db + " messages").output == o.output);
}

TEST_CASE("export: CSV quotes commas, quotes and line breaks (RFC 4180), NULL is empty, reals read back", "[results][export]") {
  TempDir dir;
  const std::string db = dir.file("q.sqlite");
  RunRecord r = synthetic_record(0);
  r.updates[0].client = "a,b \"c\"\nd";
  r.deliveries.clear();  // deliveries refer to updates by id only; keep them out of the way
  write_run(db, r);
  std::ostringstream out;
  export_table(db, "updates", ExportFormat::csv, out);
  const std::string csv = out.str();
  CHECK_THAT(csv, StartsWith("run_id,id,client,origin,issued_at_ns,reachable,reached,convergence_ns,sampled,exact_reached,exact_convergence_ns\r\n"));
  CHECK_THAT(csv, Contains("1,1,\"a,b \"\"c\"\"\nd\",0,1000,5,5,12000000,1,4,\r\n"));
  CHECK_THAT(csv, Contains("1,2,lemon,2,11000000000,3,2,,1,2,\r\n"));  // convergence_ns NULL

  std::ostringstream links;
  export_table(db, "links", ExportFormat::csv, links);
  CHECK_THAT(links.str(), Contains("1,1,1,2,\"lognormal(median=3ms,sigma=0.5)\",0.25\r\n"));
  CHECK_THAT(links.str(), Contains("1,0,0,1,constant(5ms),0\r\n"));
}

TEST_CASE("export: JSON is an array of objects with column-order keys, typed values and null", "[results][export]") {
  TempDir dir;
  const std::string db = dir.file("j.sqlite");
  write_run(db, synthetic_record(0));
  const Outcome o = run_herd_stdout("export " + db + " updates --format json");
  REQUIRE(o.exit_code == 0);
  const auto rows = nlohmann::ordered_json::parse(o.output);
  REQUIRE(rows.is_array());
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].begin().key() == "run_id");
  CHECK(rows[0]["client"] == "kiwi.cs.ucla.edu");
  CHECK(rows[0]["convergence_ns"] == 12'000'000);
  CHECK(rows[1]["convergence_ns"].is_null());
  CHECK(rows[2]["sampled"] == 0);

  const auto summary = nlohmann::json::parse(run_herd_stdout("export " + db + " summary --format json").output);
  REQUIRE(summary.size() == 1);
  CHECK(summary[0]["coverage"].get<double>() == 0.8666);
  CHECK(summary[0]["wall_seconds"].get<double>() == 0.25);

  // A table with no rows is an empty array, still valid JSON.
  RunRecord bare = synthetic_record(0);
  bare.faults.clear();
  const std::string db2 = dir.file("bare.sqlite");
  write_run(db2, bare);
  const Outcome empty = run_herd_stdout("export " + db2 + " faults --format json");
  CHECK(empty.exit_code == 0);
  CHECK(empty.output == "[]\n");
}

TEST_CASE("export: an unknown table exits 2 listing the file's tables", "[results][export][cli]") {
  TempDir dir;
  const std::string db = dir.file("t.sqlite");
  write_run(db, synthetic_record(0));
  const Outcome o = run_herd("export " + db + " convergence --format csv");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("results file '" + db + "': no table 'convergence'; its tables: coverage, deliveries, "
                                "faults, links, messages, nodes, reads, runs, summary, updates"));
  std::ostringstream out;
  CHECK_THROWS_AS(export_table(db, "x\"; DROP TABLE runs; --", ExportFormat::csv, out), std::invalid_argument);
  CHECK(count_rows(db, "runs") == 1);
}

TEST_CASE("export: usage and input errors exit 2, --help exits 0", "[results][export][cli]") {
  TempDir dir;
  const std::string db = dir.file("u.sqlite");
  write_run(db, synthetic_record(0));

  Outcome o = run_herd("export --help");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.output, Contains("usage: herd export DB TABLE") && Contains("RFC 4180") && Contains("exit codes"));

  o = run_herd("export " + db + " runs --format xml");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("--format 'xml': expected csv or json"));

  o = run_herd("export " + db);
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("missing TABLE (the file has: coverage, deliveries"));

  o = run_herd("export");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("herd export: missing results file DB"));

  o = run_herd("export " + db + " runs extra");
  CHECK(o.exit_code == 2);

  o = run_herd("export " + db + " runs --bogus");
  CHECK(o.exit_code == 2);

  o = run_herd("export " + dir.file("missing.sqlite") + " runs");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains("missing.sqlite': no such file"));

  set_version(db, older_version());
  o = run_herd("export " + db + " runs");
  CHECK(o.exit_code == 2);
  CHECK_THAT(o.output, Contains(db) && Contains(version_refusal(older_version())));
}
