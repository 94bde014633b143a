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

TEST_CASE("tables sharing client-major storage keep their own columns and empty them when destroyed") {
  ClientDirectory d;
  SharedTableStorage shared(3);
  auto old_kiwi = report(d, "Hill", "kiwi", 10);
  auto new_kiwi = report(d, "Smith", "kiwi", 12);
  auto apple = report(d, "Hill", "apple", 1);
  LocationTable t0(&shared, 0), t2(&shared, 2);
  {
    LocationTable t1(&shared, 1);
    CHECK(t0.offer(old_kiwi) == LocationTable::Offer::Stored);
    CHECK(t1.offer(new_kiwi) == LocationTable::Offer::Stored);
    CHECK(t0.offer(apple) == LocationTable::Offer::Stored);  // grows the storage by a row
    CHECK(shared.clients() == 2);
    CHECK(t1.offer(old_kiwi) == LocationTable::Offer::Stale);
    CHECK(t0.find(old_kiwi->client())->get() == old_kiwi.get());
    CHECK(t1.find(old_kiwi->client())->get() == new_kiwi.get());
    CHECK(t2.find(old_kiwi->client()) == nullptr);
    CHECK(t1.find(apple->client()) == nullptr);
    CHECK((t0.size() == 2 && t1.size() == 1 && t2.size() == 0));
  }
  // t1 is gone (a crash): a new table in its column starts empty, the others keep theirs.
  LocationTable again(&shared, 1);
  CHECK(again.find(old_kiwi->client()) == nullptr);
  CHECK(again.size() == 0);
  CHECK(t0.find(apple->client())->get() == apple.get());
  t0.clear();
  CHECK(t0.find(old_kiwi->client()) == nullptr);
  CHECK(t0.size() == 0);
}
