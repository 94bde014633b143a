// ServerLog against real files under a fresh temp directory: the format,
// the writer thread (sync, events without flush, the destructor), rotation
// by size, and the bounded queue's drop policy (with the writer paused).
#include "engine/asio/server_log.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace herd::live {

// Tests only: holds the writer thread so the queue fills deterministically.
struct ServerLogTestHook {
  static void pause(ServerLog& log, bool paused) { log.pause_writer(paused); }
};

}  // namespace herd::live

namespace {

using herd::live::LogOptions;
using herd::live::ServerLog;
using herd::live::ServerLogTestHook;
namespace fs = std::filesystem;

std::string fresh_dir(const std::string& tag) {
  std::string t = (fs::temp_directory_path() / ("herd-log-" + tag + "-XXXXXX")).string();
  if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp failed for " + t);
  return t;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto nl = text.find('\n', at);
    REQUIRE(nl != std::string::npos);  // every line is whole
    out.push_back(text.substr(at, nl - at));
    at = nl + 1;
  }
  return out;
}

// "2024-05-01T12:34:56.123456Z " then the body. (No std::regex: GCC 12
// warns falsely inside <regex> under the sanitizers.)
bool stamped(const std::string& line) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.ddddddZ ";
  if (line.size() < kShape.size()) return false;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const char c = line[i];
    if (kShape[i] == 'd' ? !(c >= '0' && c <= '9') : c != kShape[i]) return false;
  }
  return true;
}

std::vector<std::string> bodies(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& line : split_lines(text)) {
    INFO(line);
    REQUIRE(stamped(line));
    out.push_back(line.substr(28));
  }
  return out;
}

// The sum of N over "log: N lines dropped (...)" lines; checks their form.
std::uint64_t notices(const std::vector<std::string>& body, std::size_t queue_bytes, std::size_t* count = nullptr) {
  const std::string tail = " lines dropped (log queue full, log_queue_bytes=" + std::to_string(queue_bytes) + ")";
  std::uint64_t sum = 0;
  std::size_t n = 0;
  for (const auto& b : body) {
    if (!b.starts_with("log: ")) continue;
    INFO(b);
    const auto digits = b.find_first_not_of("0123456789", 5);
    REQUIRE(digits > 5);
    REQUIRE(digits != std::string::npos);
    REQUIRE(b.substr(digits) == tail);
    sum += std::stoull(b.substr(5, digits - 5));
    ++n;
  }
  if (count) *count = n;
  return sum;
}

std::size_t count_prefix(const std::vector<std::string>& body, const std::string& prefix) {
  std::size_t n = 0;
  for (const auto& b : body) n += b.starts_with(prefix);
  return n;
}

// ~100 bytes of body, numbered.
std::string numbered(int i) {
  char head[32];
  std::snprintf(head, sizeof head, "WHATSAT %06d ", i);
  return head + std::string(70, 'x');
}

}  // namespace

TEST_CASE("server log: lines and events reach the file in order, in the same format, after sync()") {
  const auto dir = fresh_dir("format");
  ServerLog log;
  CHECK_FALSE(log.enabled());
  log.lines("Hill", '<', "IAMAT kiwi\n");  // not open: nothing, no crash
  log.event("nothing");
  log.open(dir + "/logs", "Hill", LogOptions{});
  CHECK(log.enabled());
  CHECK(log.lines_enabled());
  CHECK(log.path() == dir + "/logs/Hill.log");
  log.lines("client 3", '<', "IAMAT kiwi +1+2 1621464827\n");
  log.lines("client 3", '>', "AT Hill +0.1 kiwi +1+2 1621464827\n{\"results\": []}\n\n");
  log.event("peer Jaquez up (outbound 127.0.0.1:1234)");
  log.lines("peer Jaquez", '>', "UPDATE 1 AT Hill");  // no final newline
  log.lines("peer Jaquez", '<', "a\n\nb");
  log.sync();
  const auto body = bodies(read_file(log.path()));
  const std::vector<std::string> want = {
      "client 3 < IAMAT kiwi +1+2 1621464827",
      "client 3 > AT Hill +0.1 kiwi +1+2 1621464827",
      "client 3 > {\"results\": []}",
      "client 3 > ",
      "peer Jaquez up (outbound 127.0.0.1:1234)",
      "peer Jaquez > UPDATE 1 AT Hill",
      "peer Jaquez < a",
      "peer Jaquez < ",
      "peer Jaquez < b",
  };
  CHECK(body == want);
  CHECK(log.dropped_lines() == 0);

  // Appends on reopen; lines off keeps the events.
  ServerLog again;
  LogOptions o;
  o.lines = false;
  again.open(dir + "/logs", "Hill", o);
  CHECK(again.enabled());
  CHECK_FALSE(again.lines_enabled());
  again.lines("client 4", '<', "IAMAT x\n");
  again.event("stop: Hill");
  again.sync();
  const auto after = bodies(read_file(again.path()));
  REQUIRE(after.size() == want.size() + 1);
  CHECK(after.back() == "stop: Hill");
}

TEST_CASE("server log: the old open(dir, name, log_lines) keeps default options") {
  const auto dir = fresh_dir("old-open");
  ServerLog log;
  log.open(dir, "Smith", false);
  CHECK(log.enabled());
  CHECK_FALSE(log.lines_enabled());
  log.lines("client 1", '<', "IAMAT x\n");
  log.event("start: Smith");
  log.sync();
  CHECK(bodies(read_file(log.path())) == std::vector<std::string>{"start: Smith"});
}

TEST_CASE("server log: an event reaches the file without flush() or sync()") {
  const auto dir = fresh_dir("event");
  ServerLog log;
  log.open(dir, "Hill", LogOptions{});
  log.lines("client 1", '<', "IAMAT kiwi\n");
  log.event("peer Smith down: connection reset");
  // The writer has it at once; only wait for the thread to run (no timing claim).
  bool seen = false;
  for (int i = 0; i < 2000 && !seen; ++i) {
    seen = read_file(log.path()).find("peer Smith down: connection reset\n") != std::string::npos;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(seen);
  CHECK(bodies(read_file(log.path())) ==
        std::vector<std::string>{"client 1 < IAMAT kiwi", "peer Smith down: connection reset"});
}

TEST_CASE("server log: open() names the path and the reason when it cannot open") {
  const auto dir = fresh_dir("fail");
  std::ofstream(dir + "/plain") << "a file, not a directory";
  ServerLog log;
  try {
    log.open(dir + "/plain/logs", "Hill", LogOptions{});
    FAIL("open did not throw");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    CHECK(what.find(dir + "/plain/logs/Hill.log") != std::string::npos);
    CHECK(what.find(std::strerror(ENOTDIR)) != std::string::npos);
  }
  CHECK_FALSE(log.enabled());
}

TEST_CASE("server log: rotation by size keeps `keep` files, each at most max_bytes, the newest in name.log") {
  const auto dir = fresh_dir("rotate");
  LogOptions o;
  o.max_bytes = 4096;
  o.keep = 2;
  int last = 0;
  {
    ServerLog log;
    log.open(dir, "Hill", o);
    // ~100 KB: 64 KiB buffers split across many files; every 50th an event,
    // every 300th a flush (smaller buffers too).
    for (int i = 0; i < 800; ++i) {
      if (i % 50 == 0) {
        log.event(numbered(i) + " event");
      } else {
        log.lines("client 1", '<', numbered(i) + "\n");
      }
      if (i % 300 == 0) log.flush();
      last = i;
    }
    log.sync();
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{"Hill.log", "Hill.log.1", "Hill.log.2"});
    std::uint64_t total = 0;
    for (const auto& n : names) {
      const auto size = fs::file_size(dir + "/" + n);
      INFO(n << " " << size);
      CHECK(size <= o.max_bytes);  // the bound: lines are shorter than max_bytes
      total += size;
    }
    CHECK(total <= (o.keep + 1) * o.max_bytes);
    // The files, oldest first, hold an unbroken run of the newest lines.
    std::vector<std::string> kept;
    for (const char* n : {"Hill.log.2", "Hill.log.1", "Hill.log"}) {
      for (auto& b : bodies(read_file(dir + "/" + n))) kept.push_back(b);
    }
    REQUIRE(kept.size() > 60);
    CHECK(kept.back().find(numbered(last)) != std::string::npos);
    const int first = last - static_cast<int>(kept.size()) + 1;
    for (std::size_t k = 0; k < kept.size(); ++k) {
      INFO(kept[k]);
      CHECK(kept[k].find(numbered(first + static_cast<int>(k))) != std::string::npos);
    }
    CHECK(log.dropped_lines() == 0);
  }
  // An existing file counts toward max_bytes: reopening rotates on the first write.
  const auto before = read_file(dir + "/Hill.log");
  ServerLog log;
  log.open(dir, "Hill", o);
  log.lines("client 2", '<', std::string(4096 - before.size(), 'y') + "\n");
  log.sync();
  CHECK(read_file(dir + "/Hill.log.1") == before);
  CHECK(fs::file_size(dir + "/Hill.log") == 4096 - before.size() + 28 + 11 + 1);
}

TEST_CASE("server log: a line longer than max_bytes is written whole, alone in its file") {
  const auto dir = fresh_dir("long");
  LogOptions o;
  o.max_bytes = 4096;
  o.keep = 3;
  ServerLog log;
  log.open(dir, "Hill", o);
  for (int i = 0; i < 10; ++i) log.lines("client 1", '<', numbered(i) + "\n");
  const std::string big(10'000, 'z');
  log.lines("client 1", '>', big + "\n");
  for (int i = 10; i < 13; ++i) log.lines("client 1", '<', numbered(i) + "\n");
  log.sync();
  CHECK(bodies(read_file(dir + "/Hill.log.2")).size() == 10);
  CHECK(bodies(read_file(dir + "/Hill.log.1")) == std::vector<std::string>{"client 1 > " + big});
  CHECK(bodies(read_file(dir + "/Hill.log")).size() == 3);
  CHECK_FALSE(fs::exists(dir + "/Hill.log.3"));
}

TEST_CASE("server log: a full queue drops lines without blocking, counts them and says so, and events still get through") {
  const auto dir = fresh_dir("full");
  LogOptions o;
  o.queue_bytes = 65536;
  ServerLog log;
  log.open(dir, "Hill", o);
  ServerLogTestHook::pause(log, true);
  // ~260 KB against a 64 KiB queue and a writer that does not write: the
  // caller must come back every time (a blocking log would hang here).
  // Lines of 125 bytes are handed over 132 at a time (16 KiB, a quarter of
  // the queue); three such buffers fit. 2111 = 15 * 132 + 131 leaves 131
  // lines buffered: more than the queue's room, with the event on top.
  const int n = 2111;
  for (int i = 0; i < n; ++i) log.lines("client 1", '<', numbered(i) + "\n");
  const auto dropped = log.dropped_lines();
  CHECK(dropped > 0);
  CHECK(dropped < static_cast<std::uint64_t>(n));
  // The event's buffer does not fit: its lines go, the event alone fits.
  log.event("peer Smith down: connection reset");
  CHECK(log.dropped_lines() > dropped);
  const auto dropped_all = log.dropped_lines();
  ServerLogTestHook::pause(log, false);
  log.sync();
  CHECK(log.dropped_lines() == dropped_all);  // sync() never drops
  auto body = bodies(read_file(log.path()));
  std::size_t notice_lines = 0;
  CHECK(notices(body, o.queue_bytes, &notice_lines) == dropped_all);
  CHECK(notice_lines == 1);
  const auto written = count_prefix(body, "client 1 < WHATSAT ");
  CHECK(written + dropped_all == static_cast<std::uint64_t>(n));
  CHECK(count_prefix(body, "peer Smith down: connection reset") == 1);
  // The notice stands where the lines went missing: before the event.
  const auto notice_at = std::find_if(body.begin(), body.end(), [](auto& b) { return b.starts_with("log: "); });
  const auto event_at = std::find(body.begin(), body.end(), "peer Smith down: connection reset");
  CHECK(notice_at < event_at);

  // Room again: lines flow, no new drops, no new notice.
  for (int i = n; i < n + 100; ++i) log.lines("client 1", '<', numbered(i) + "\n");
  log.sync();
  body = bodies(read_file(log.path()));
  CHECK(log.dropped_lines() == dropped_all);
  CHECK(notices(body, o.queue_bytes) == dropped_all);
  CHECK(count_prefix(body, "client 1 < WHATSAT ") == written + 100);
  CHECK(body.back().find(numbered(n + 99)) != std::string::npos);
}

TEST_CASE("server log: events that do not fit either are counted as dropped") {
  const auto dir = fresh_dir("events-full");
  LogOptions o;
  o.queue_bytes = 65536;
  ServerLog log;
  log.open(dir, "Hill", o);
  ServerLogTestHook::pause(log, true);
  int events = 0;
  while (log.dropped_lines() == 0 && events < 100'000) log.event("refused a client connection " + std::to_string(events++));
  REQUIRE(log.dropped_lines() == 1);
  for (int i = 0; i < 10; ++i) log.event("refused a client connection " + std::to_string(events++));
  const auto dropped = log.dropped_lines();
  CHECK(dropped == 11);
  ServerLogTestHook::pause(log, false);
  log.sync();  // the notice alone (sync() never drops)
  CHECK(log.dropped_lines() == dropped);
  log.event("stop: Hill");
  log.sync();
  const auto body = bodies(read_file(log.path()));
  CHECK(notices(body, o.queue_bytes) == dropped);
  CHECK(count_prefix(body, "refused a client connection ") + dropped == static_cast<std::uint64_t>(events));
  CHECK(body.back() == "stop: Hill");
}

TEST_CASE("server log: the destructor writes everything buffered and queued, even from a paused writer") {
  const auto dir = fresh_dir("dtor");
  {
    ServerLog log;
    log.open(dir, "Hill", LogOptions{});
    for (int i = 0; i < 100; ++i) log.lines("client 1", '<', numbered(i) + "\n");  // buffered, not handed
  }
  CHECK(count_prefix(bodies(read_file(dir + "/Hill.log")), "client 1 < WHATSAT ") == 100);

  LogOptions o;
  o.queue_bytes = 65536;
  std::uint64_t dropped = 0;
  const int n = 1500;
  {
    ServerLog log;
    log.open(dir, "Smith", o);
    ServerLogTestHook::pause(log, true);
    for (int i = 0; i < n; ++i) log.lines("client 1", '<', numbered(i) + "\n");
    log.event("stop: Smith");
    dropped = log.dropped_lines();
    CHECK(dropped > 0);
  }
  const auto body = bodies(read_file(dir + "/Smith.log"));
  CHECK(notices(body, o.queue_bytes) == dropped);
  CHECK(count_prefix(body, "client 1 < WHATSAT ") + dropped == static_cast<std::uint64_t>(n));
  CHECK(body.back() == "stop: Smith");
}

// Not a test: the cost of lines() on the caller's thread. Run by hand:
//   build/tests/herd_live_tests "[.bench]"
TEST_CASE("server log: cost per lines() call (prints figures)", "[.bench]") {
  const auto dir = fresh_dir("bench");
  const std::string line = "WHATSAT kiwi 50 20 and some more text to make it about eighty b\n";
  const int n = 1'000'000;
  ServerLog log;
  log.open(dir, "Hill", LogOptions{});
  std::chrono::nanoseconds worst{0};
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    const auto a = std::chrono::steady_clock::now();
    log.lines("client 12", '<', line);
    const auto d = std::chrono::steady_clock::now() - a;
    if (d > worst) worst = d;
  }
  const auto t1 = std::chrono::steady_clock::now();
  log.sync();
  const auto t2 = std::chrono::steady_clock::now();
  const auto ns = [](auto d) { return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()); };
  std::printf("lines(): %d calls, %.1f ns per call (with two clock reads), worst call %.1f us; sync %.1f ms; "
              "%llu dropped; %llu bytes\n",
              n, ns(t1 - t0) / n, ns(worst) / 1000, ns(t2 - t1) / 1e6,
              static_cast<unsigned long long>(log.dropped_lines()),
              static_cast<unsigned long long>(fs::file_size(log.path())));
}

TEST_CASE("server log: lines under one TimeHold share its stamp, and after it the clock is read again") {
  const auto dir = fresh_dir("hold");
  ServerLog log;
  log.open(dir, "Hill", LogOptions{});
  {
    const ServerLog::TimeHold hold(log);
    log.lines("client#1", '<', "IAMAT a +1+2 1\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    {
      const ServerLog::TimeHold inner(log);  // nested: still the outer hold's time
      log.lines("client#1", '>', "AT Hill +0.000000001 a +1+2 1\n");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    log.event("an event under the hold");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  log.lines("client#1", '<', "IAMAT b +1+2 2\n");
  log.sync();
  const auto lines = split_lines(read_file(log.path()));
  REQUIRE(lines.size() == 4);
  const auto stamp = [](const std::string& l) { return l.substr(0, l.find(' ')); };
  CHECK(stamp(lines[0]).size() == 27);  // YYYY-MM-DDTHH:MM:SS.uuuuuuZ
  CHECK(stamp(lines[1]) == stamp(lines[0]));
  CHECK(stamp(lines[2]) == stamp(lines[0]));
  CHECK(stamp(lines[3]) > stamp(lines[0]));  // read after the hold: 3 ms+ later
}
