#include <catch2/catch.hpp>

#include "herd/client_directory.h"
#include "herd/location_table.h"
#include "herd/report.h"

using namespace herd;

namespace {
ReportRef report(ClientDirectory& d, std::string_view server, std::string_view client, Nanos t,
                 std::string_view coords = "+1+2") {
  return make_client_report(server, 5, d.intern(client), client, coords, std::to_string(t),
                            Coordinates{1, 2}, t * kNanosPerSecond);
}
}  // namespace

TEST_CASE("the table keeps the newest report by client time") {
  ClientDirectory d;
  LocationTable t;
  CHECK(t.offer(report(d, "Hill", "kiwi", 10)) == LocationTable::Offer::Stored);
  CHECK(t.offer(report(d, "Hill", "kiwi", 12)) == LocationTable::Offer::Stored);
  CHECK(t.offer(report(d, "Smith", "kiwi", 11)) == LocationTable::Offer::Stale);
  CHECK(t.offer(report(d, "Hill", "apple", 1)) == LocationTable::Offer::Stored);
  CHECK(t.size() == 2);
  const ReportRef* held = t.find(*d.find("kiwi"));
  REQUIRE(held);
  CHECK((*held)->client_time() == 12 * kNanosPerSecond);
  CHECK((*held)->at_line() == "AT Hill +0.000000005 kiwi +1+2 12");
  CHECK(t.find(99) == nullptr);
}

TEST_CASE("equal client times: the byte-wise greater AT line wins, in any arrival order") {
  ClientDirectory d;
  auto a = report(d, "Hill", "kiwi", 10, "+1+2");
  auto b = report(d, "Smith", "kiwi", 10, "+1+2");
  LocationTable first, second;
  first.offer(a);
  CHECK(first.offer(b) == LocationTable::Offer::Stored);  // "AT Smith" > "AT Hill"
  second.offer(b);
  CHECK(second.offer(a) == LocationTable::Offer::Stale);
  CHECK((*first.find(a->client()))->at_line() == (*second.find(a->client()))->at_line());
  // The very same report again is a duplicate, never stored twice.
  CHECK(first.offer(b) == LocationTable::Offer::Stale);
}

TEST_CASE("an entry costs one pointer per client slot") {
  STATIC_REQUIRE(sizeof(ReportRef) == sizeof(void*));
  ClientDirectory d;
  LocationTable t;
  for (int i = 0; i < 100000; ++i) t.offer(report(d, "Hill", "c" + std::to_string(i), i));
  CHECK(t.size() == 100000);
  CHECK(d.size() == 100000);
}

TEST_CASE("reports are shared, not copied, and freed with their last holder") {
  ClientDirectory d;
  auto r = report(d, "Hill", "kiwi", 10);
  const Report* raw = r.get();
  LocationTable a, b;
  a.offer(r);
  b.offer(r);
  CHECK(a.find(r->client())->get() == raw);
  CHECK(b.find(r->client())->get() == raw);
  CHECK(r->origin() == "Hill");
  CHECK(r->client_name() == "kiwi");
}
