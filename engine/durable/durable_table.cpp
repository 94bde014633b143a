#include "engine/durable/durable_table.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <system_error>

#include <boost/crc.hpp>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "herd/client_directory.h"
#include "herd/report.h"
#include "kit/sqlite_db.h"

namespace herd::durable {

namespace {

namespace fs = std::filesystem;
using sqlite::Db;
using sqlite::Stmt;

// A commit that finds the file locked by another connection (someone's
// sqlite3 shell in a write transaction) gives up after this long, so the
// failure surfaces in last_error() and the round is retried.
constexpr int kBusyTimeoutMs = 100;
// Retries of a failing commit back off from kGroupCommitMs up to this.
constexpr int kMaxRetryMs = 1000;

constexpr const char* kCreateSchema = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);
CREATE TABLE reports (
  client  BLOB PRIMARY KEY NOT NULL,
  at_line TEXT NOT NULL
);
)sql";

constexpr const char* kUpsert =
    "INSERT INTO reports (client, at_line) VALUES (?1, ?2) "
    "ON CONFLICT (client) DO UPDATE SET at_line = excluded.at_line";

// The Db wrapper names the file as "<path>: <reason>"; keep only the reason.
std::string reason_of(const std::exception& e, const std::string& path) {
  std::string_view what = e.what();
  const std::string prefix = path + ": ";
  if (what.substr(0, prefix.size()) == prefix) what.remove_prefix(prefix.size());
  return std::string(what);
}

std::string hex32(std::int64_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08llx", static_cast<unsigned long long>(static_cast<std::uint32_t>(v)));
  return buf;
}

bool has_table(Db& db, const char* name) {
  Stmt st(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  st.bind(1, std::string_view(name));
  const bool found = st.step() && st.int64(0) > 0;
  while (st.step()) {
  }
  return found;
}

std::optional<std::string> meta_value(Db& db, const char* key) {
  Stmt st(db, "SELECT value FROM meta WHERE key = ?1");
  st.bind(1, std::string_view(key));
  std::optional<std::string> v;
  if (st.step()) v = st.text(0);
  while (st.step()) {
  }
  return v;
}

constexpr const char* kLogMagic = "herd-table-log";
constexpr std::size_t kCrcChars = 8;

// CRC-32 (the zlib / boost::crc_32_type one: reflected 0xEDB88320, initial
// and final XOR 0xFFFFFFFF), eight bytes at a time ("slicing by 8"): about 4x
// faster than boost::crc_32_type's byte-wise table, with the same result
// (the tests write records with boost::crc_32_type).
struct CrcTables {
  std::uint32_t t[8][256];
  CrcTables() {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (std::uint32_t i = 0; i < 256; ++i)
      for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  }
};
const CrcTables kCrc;

std::uint32_t crc_of(std::string_view line) {
  const auto* p = reinterpret_cast<const unsigned char*>(line.data());
  std::size_t n = line.size();
  std::uint32_t c = 0xFFFFFFFFu;
  const auto& t = kCrc.t;
  while (n >= 8) {
    const std::uint32_t lo = c ^ (std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
                                  std::uint32_t(p[3]) << 24);
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^ t[3][p[4]] ^
        t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n--) c = t[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

// Checked once against boost::crc_32_type, so a mistake above cannot write
// records nobody else can verify.
[[maybe_unused]] const bool kCrcChecked = [] {
  const std::string_view probe = "AT Clark +0.263873386 kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503";
  boost::crc_32_type ref;
  ref.process_bytes(probe.data(), probe.size());
  if (ref.checksum() != crc_of(probe)) std::abort();
  return true;
}();

void append_record(std::string& out, std::string_view line) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::uint32_t crc = crc_of(line);
  char buf[kCrcChars + 1];
  for (std::size_t i = 0; i < kCrcChars; ++i) buf[i] = kHex[(crc >> (28 - 4 * i)) & 0xf];
  buf[kCrcChars] = ' ';
  out.append(buf, sizeof buf);
  out.append(line);
  out.push_back('\n');
}

std::string log_header(const std::string& server) {
  return std::string(kLogMagic) + " " + std::to_string(DurableTable::kFormatVersion) + " " + server + "\n";
}

std::string errno_text(int err) { return std::strerror(err); }

// Writes all of `data` at `offset`; false (errno set) on failure.
bool pwrite_all(int fd, std::string_view data, std::uint64_t offset) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

bool datasync(int fd) {
  while (::fdatasync(fd) != 0) {
    if (errno != EINTR) return false;
  }
  return true;
}

}  // namespace

DurableTableError::DurableTableError(const std::string& path, const std::string& reason)
    : std::runtime_error(path + ": " + reason), path_(path), reason_(reason) {}

DurableTable::DurableTable(const std::string& path, const std::string& server, Durability mode)
    : DurableTable(path, server, mode, Options{}) {}

DurableTable::DurableTable(const std::string& path, const std::string& server, Durability mode, Options options)
    : path_(path), log_path_(path + "-log"), server_(server), mode_(mode), options_(options) {
  if (mode == Durability::Off) throw std::invalid_argument("DurableTable: Durability::Off means no table");
  if (server.empty()) throw DurableTableError(path_, "empty server name");
  std::error_code ec;
  const fs::path parent = fs::path(path_).parent_path();
  if (!parent.empty()) {
    fs::create_directories(parent, ec);
    if (ec) throw DurableTableError(path_, "cannot create directory '" + parent.string() + "': " + ec.message());
  }
  if (fs::is_directory(path_, ec)) throw DurableTableError(path_, "is a directory");
  if (fs::is_directory(log_path_, ec)) throw DurableTableError(log_path_, "is a directory");
  try {
    open_or_create(server);
  } catch (...) {
    if (log_fd_ >= 0) ::close(log_fd_);
    log_fd_ = -1;
    throw;
  }
  thread_ = std::thread([this] { commit_loop(); });
  ckpt_thread_ = std::thread([this] { checkpoint_loop(); });
}

DurableTable::~DurableTable() {
  try {
    close();
  } catch (const std::exception& e) {
    // Nobody is left to tell; the message names the file, a count and
    // SQLite's reason, never a report.
    std::fprintf(stderr, "herd: durable table %s\n", e.what());
  }
}

void DurableTable::open_or_create(const std::string& server) {
  std::error_code ec;
  const bool existed = fs::exists(path_, ec) && fs::file_size(path_, ec) > 0 && !ec;
  try {
    db_ = std::make_unique<Db>(path_, existed ? Db::Mode::read_write : Db::Mode::read_write_create, path_);
  } catch (const std::exception& e) {
    throw DurableTableError(path_, reason_of(e, path_));
  }
  Db& db = *db_;
  if (db.read_only()) throw DurableTableError(path_, "is read-only");
  db.set_busy_timeout(kBusyTimeoutMs);
  // Until the file is known to be ours, closing must not checkpoint a WAL
  // into it: a refused file is left exactly as it was.
  sqlite3_db_config(db.raw(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);

  // Every check below only reads.
  try {
    Stmt st(db, "PRAGMA quick_check(3)");
    std::string problems;
    while (st.step()) {
      const std::string row = st.text(0);
      if (row == "ok") continue;
      problems += problems.empty() ? row : "; " + row;
    }
    if (!problems.empty()) throw DurableTableError(path_, "corrupt SQLite database (PRAGMA quick_check: " + problems + ")");
  } catch (const DurableTableError&) {
    throw;
  } catch (const std::exception& e) {
    // SQLite's own words ("file is not a database"), not the statement's.
    const int rc = sqlite3_errcode(db.raw());
    const std::string why = rc == SQLITE_OK ? reason_of(e, path_) : std::string(sqlite3_errmsg(db.raw()));
    if (rc == SQLITE_NOTADB) throw DurableTableError(path_, "not an SQLite database (" + why + ")");
    if (rc == SQLITE_CORRUPT) throw DurableTableError(path_, "corrupt SQLite database (" + why + ")");
    throw DurableTableError(path_, "cannot read (" + why + ")");
  }

  try {
    const std::int64_t app = db.query_int("PRAGMA application_id");
    const std::int64_t objects = db.query_int("SELECT count(*) FROM sqlite_schema");
    const bool fresh = app == 0 && objects == 0;
    if (!fresh) {
      if (app != kApplicationId) {
        throw DurableTableError(
            path_, app == 0 ? "an SQLite database that is not a herd durable table (it has tables but no application_id)"
                            : "an SQLite database that is not a herd durable table (application_id " + hex32(app) +
                                  ", a durable table has " + hex32(kApplicationId) + ")");
      }
      if (!has_table(db, "meta"))
        throw DurableTableError(path_, "a herd durable table without its meta table (damaged; not opened)");
      const auto version = meta_value(db, "format_version");
      if (!version) throw DurableTableError(path_, "a herd durable table without a format_version in meta (damaged; not opened)");
      if (*version != std::to_string(kFormatVersion)) {
        const std::string known = std::to_string(kFormatVersion);
        std::string rel = "another format version than";
        try {
          rel = std::stoll(*version) > kFormatVersion ? "newer than" : "older than";
        } catch (const std::exception&) {
        }
        throw DurableTableError(path_, "durable table format version " + *version + ", " + rel +
                                           " the version this herd reads and writes (" + known + ")");
      }
      const auto owner = meta_value(db, "server");
      if (!owner) throw DurableTableError(path_, "a herd durable table without a server name in meta (damaged; not opened)");
      if (*owner != server)
        throw DurableTableError(path_, "the durable table of server '" + *owner + "', not of '" + server +
                                           "'; give each server its own file");
      if (!has_table(db, "reports"))
        throw DurableTableError(path_, "a herd durable table without its reports table (damaged; not opened)");
    }

    // The log is checked (reads only) before anything is written.
    LogContents log = read_log(server);

    // The file is ours (or new): from here on we write.
    sqlite3_db_config(db.raw(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
    const std::string journal = db.query_text("PRAGMA journal_mode = WAL");
    if (journal != "wal") throw DurableTableError(path_, "cannot use WAL mode (journal_mode is " + journal + ")");
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA cache_size = -65536");
    if (fresh) {
      sqlite::Transaction tx(db);
      if (db.query_int("SELECT count(*) FROM sqlite_schema") != 0)
        throw DurableTableError(path_, "another process created tables in this file while it was being opened");
      db.exec(("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
      db.exec(kCreateSchema);
      Stmt st(db, "INSERT INTO meta (key, value) VALUES (?1, ?2)");
      st.bind(1, std::string_view("format_version")).bind(2, std::string_view(std::to_string(kFormatVersion))).run();
      st.bind(1, std::string_view("server")).bind(2, std::string_view(server)).run();
      tx.commit();
    }

    // The log: a torn last line (never fdatasync'ed: a crash mid-append) is
    // cut off before anything is appended; a missing log is created.
    fs::remove(log_path_ + ".tmp", ec);
    if (log.exists) {
      log_fd_ = ::open(log_path_.c_str(), O_RDWR | O_CLOEXEC);
      if (log_fd_ < 0) throw DurableTableError(log_path_, "cannot open: " + errno_text(errno));
      struct stat st {};
      if (::fstat(log_fd_, &st) != 0) throw DurableTableError(log_path_, "cannot stat: " + errno_text(errno));
      if (static_cast<std::uint64_t>(st.st_size) != log.valid_bytes) {
        if (::ftruncate(log_fd_, static_cast<off_t>(log.valid_bytes)) != 0 || !datasync(log_fd_))
          throw DurableTableError(log_path_, "cannot cut off its torn last line: " + errno_text(errno));
      }
      log_size_ = log.valid_bytes;
      // The log's lines are not in SQLite (maybe): the next checkpoint
      // applies them.
      for (auto& [client, line] : log.lines) {
        auto& entry = *entries_.emplace(client, Entry{}).first;
        entry.second.line = line;
        entry.second.logged = std::move(line);
        entry.second.since = true;
        since_.push_back(&entry);
      }
    } else {
      rewrite_log(std::vector<std::string_view>{});
    }
    has_logged_ = !since_.empty();
    stats_.log_bytes = log_size_;
  } catch (const DurableTableError&) {
    throw;
  } catch (const std::exception& e) {
    throw DurableTableError(path_, reason_of(e, path_));
  }
}

DurableTable::LogContents DurableTable::read_log(const std::string& server) const {
  LogContents out;
  std::error_code ec;
  if (!fs::exists(log_path_, ec)) return out;
  out.exists = true;
  std::string bytes;
  {
    const int fd = ::open(log_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw DurableTableError(log_path_, "cannot open: " + errno_text(errno));
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        ::close(fd);
        throw DurableTableError(log_path_, "cannot read: " + errno_text(err));
      }
      if (n == 0) break;
      bytes.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
  }
  const std::size_t header_end = bytes.find('\n');
  const std::string_view header = header_end == std::string::npos ? std::string_view(bytes)
                                                                  : std::string_view(bytes).substr(0, header_end);
  const std::string magic = std::string(kLogMagic) + " ";
  if (header_end == std::string::npos || header.substr(0, magic.size()) != magic)
    throw DurableTableError(log_path_, "not a herd table log (line 1 is not \"" + std::string(kLogMagic) +
                                           " <version> <server>\")");
  std::string_view rest = header.substr(magic.size());
  const std::size_t sp = rest.find(' ');
  const std::string version(rest.substr(0, sp));
  const std::string owner = sp == std::string_view::npos ? std::string() : std::string(rest.substr(sp + 1));
  if (version != std::to_string(kFormatVersion)) {
    std::string rel = "another format version than";
    try {
      rel = std::stoll(version) > kFormatVersion ? "newer than" : "older than";
    } catch (const std::exception&) {
    }
    throw DurableTableError(log_path_, "table log format version " + version + ", " + rel +
                                           " the version this herd reads and writes (" +
                                           std::to_string(kFormatVersion) + ")");
  }
  if (owner != server)
    throw DurableTableError(log_path_, "the table log of server '" + owner + "', not of '" + server +
                                           "'; give each server its own file");
  out.valid_bytes = header_end + 1;
  ClientDirectory clients;
  std::size_t pos = header_end + 1;
  for (std::size_t number = 2; pos < bytes.size(); ++number) {
    const std::size_t end = bytes.find('\n', pos);
    // No newline: the torn tail of an append a crash interrupted.
    if (end == std::string::npos) break;
    const std::string_view rec = std::string_view(bytes).substr(pos, end - pos);
    const bool last = end + 1 == bytes.size();
    const std::string where = "line " + std::to_string(number) + ": ";
    if (rec.size() < kCrcChars + 1 || rec[kCrcChars] != ' ' ||
        rec.substr(0, kCrcChars).find_first_not_of("0123456789abcdef") != std::string_view::npos) {
      if (last) break;
      throw DurableTableError(log_path_, where + "not a record (\"<crc32> <AT line>\"); the log is corrupt, not opened");
    }
    const std::string_view line = rec.substr(kCrcChars + 1);
    const std::uint32_t crc = static_cast<std::uint32_t>(std::stoul(std::string(rec.substr(0, kCrcChars)), nullptr, 16));
    if (crc != crc_of(line)) {
      if (last) break;  // a torn last record: never fdatasync'ed
      throw DurableTableError(log_path_, where + "bad checksum; the log is corrupt, not opened");
    }
    const ReportRef report = parse_at_line(line, clients);
    if (!report) throw DurableTableError(log_path_, where + "its AT line does not parse; the log is corrupt, not opened");
    if (report->at_line() != line)
      throw DurableTableError(log_path_, where + "its AT line is not in the form the server writes");
    const std::string client(report->client_name());
    const auto it = out.lines.find(client);
    if (it != out.lines.end())
      it->second.assign(line);
    else
      out.lines.emplace(client, std::string(line));
    pos = end + 1;
    out.valid_bytes = pos;
  }
  return out;
}

void DurableTable::rewrite_log(const std::vector<std::string_view>& lines) {
  const std::string tmp = log_path_ + ".tmp";
  std::string data = log_header(server_);
  for (const auto line : lines) append_record(data, line);
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw DurableTableError(log_path_, "cannot create " + tmp + ": " + errno_text(errno));
  if (!pwrite_all(fd, data, 0) || !datasync(fd)) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw DurableTableError(log_path_, "cannot write " + tmp + ": " + errno_text(err));
  }
  if (::rename(tmp.c_str(), log_path_.c_str()) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw DurableTableError(log_path_, "cannot rename " + tmp + ": " + errno_text(err));
  }
  // The rename must be on disk before anything is appended to the new file.
  std::string dir = fs::path(log_path_).parent_path().string();
  if (dir.empty()) dir = ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool dir_ok = dfd >= 0 && ::fsync(dfd) == 0;
  const int err = errno;
  if (dfd >= 0) ::close(dfd);
  if (log_fd_ >= 0) ::close(log_fd_);
  log_fd_ = fd;
  log_size_ = data.size();
  tail_dirty_ = false;
  if (!dir_ok) throw DurableTableError(log_path_, "cannot fsync directory " + dir + ": " + errno_text(err));
}

std::vector<std::pair<std::string, std::string>> DurableTable::load() {
  std::lock_guard ckpt_lock(ckpt_mu_);
  if (!db_) throw std::logic_error("DurableTable::load after close");
  std::map<std::string, std::string> rows;
  ClientDirectory clients;
  try {
    Stmt st(*db_, "SELECT rowid, client, at_line FROM reports ORDER BY client");
    while (st.step()) {
      const std::string where = "corrupt row (rowid " + std::to_string(st.int64(0)) + " of table reports): ";
      if (st.type(1) != SQLITE_BLOB) throw DurableTableError(path_, where + "client is not a BLOB");
      if (st.type(2) != SQLITE_TEXT) throw DurableTableError(path_, where + "at_line is not TEXT");
      std::string client = st.blob(1);
      std::string line = st.text(2);
      const ReportRef report = parse_at_line(line, clients);
      if (!report) throw DurableTableError(path_, where + "its AT line does not parse");
      if (report->client_name() != client)
        throw DurableTableError(path_, where + "its AT line names another client than its key");
      if (report->at_line() != line)
        throw DurableTableError(path_, where + "its AT line is not in the form the server writes");
      rows.emplace_hint(rows.end(), std::move(client), std::move(line));
    }
  } catch (const DurableTableError&) {
    throw;
  } catch (const std::exception& e) {
    throw DurableTableError(path_, reason_of(e, path_));
  }
  // The log on top: its lines are newer than the rows they replace (the
  // server only ever puts newer reports).
  {
    std::lock_guard log_lock(log_mu_);
    for (auto& [client, line] : read_log(server_).lines) rows[client] = std::move(line);
  }
  return {std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end())};
}

void DurableTable::put(std::string_view client, std::string_view at_line) {
  bool was_empty = false;
  {
    std::lock_guard lk(mu_);
    if (closed_) throw std::logic_error("DurableTable::put after close");
    ++put_seq_;
    ++stats_.puts;
    auto it = entries_.find(client);
    if (it == entries_.end()) it = entries_.emplace(std::string(client), Entry{}).first;
    // assign() reuses the entry's buffer: no allocation once a client is known.
    it->second.line.assign(at_line);
    if (!it->second.dirty) {
      it->second.dirty = true;
      was_empty = dirty_.empty();
      dirty_.push_back(&*it);
    }
  }
  if (mode_ == Durability::Fsync) {
    // On failure the line stays pending and the commit thread retries.
    if (!commit_round()) wake_.notify_one();
    return;
  }
  if (was_empty) wake_.notify_one();
}

void DurableTable::sync() {
  std::uint64_t target = 0;
  {
    std::lock_guard lk(mu_);
    target = put_seq_;
    if (committed_seq_ >= target) return;
  }
  commit_round();
  std::lock_guard lk(mu_);
  if (committed_seq_ >= target) return;
  throw DurableTableError(log_path_, "cannot commit " + std::to_string(dirty_.size()) +
                                         " pending reports (kept for a retry): " + last_error_.value_or("unknown error"));
}

void DurableTable::checkpoint() {
  sync();
  if (checkpoint_round()) return;
  std::lock_guard lk(mu_);
  throw DurableTableError(path_, "cannot checkpoint the log into the table (its reports are safe in " + log_path_ +
                                     " and retried): " + last_error_.value_or("unknown error"));
}

void DurableTable::close() {
  {
    std::lock_guard lk(mu_);
    if (closed_) return;
    closed_ = true;
    stop_ = true;
  }
  stop_threads();
  const bool ok = commit_round();
  const bool ckpt_ok = ok && checkpoint_round();
  {
    std::lock_guard ckpt_lock(ckpt_mu_);
    db_.reset();  // the last connection: checkpoints the WAL into the file
    std::lock_guard log_lock(log_mu_);
    if (log_fd_ >= 0) ::close(log_fd_);
    log_fd_ = -1;
  }
  if (ckpt_ok) return;
  std::lock_guard lk(mu_);
  if (!ok)
    throw DurableTableError(log_path_, "closed with " + std::to_string(dirty_.size()) +
                                           " reports not saved: " + last_error_.value_or("unknown error"));
  throw DurableTableError(path_, "closed without its last checkpoint (the reports are safe in " + log_path_ +
                                     ", applied at the next open's checkpoint): " + last_error_.value_or("unknown error"));
}

void DurableTable::stop_threads() {
  wake_.notify_all();
  ckpt_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (ckpt_thread_.joinable()) ckpt_thread_.join();
}

std::optional<std::string> DurableTable::last_error() const {
  std::lock_guard lk(mu_);
  return last_error_;
}

DurableTable::Stats DurableTable::stats() const {
  std::lock_guard lk(mu_);
  return stats_;
}

bool DurableTable::commit_round() {
  std::lock_guard log_lock(log_mu_);
  std::uint64_t seq = 0;
  buf_.clear();
  offsets_.clear();
  {
    std::lock_guard lk(mu_);
    if (dirty_.empty()) {
      // Nothing pending and no round in flight (we hold log_mu_): all is on disk.
      committed_seq_ = put_seq_;
      return true;
    }
    if (log_fd_ < 0) {
      last_error_ = "the table is closed";
      return false;
    }
    round_.swap(dirty_);
    seq = put_seq_;
    // Only copies under mu_ (puts wait for it); checksums are computed after.
    for (const EntryPtr e : round_) {
      e->second.dirty = false;
      offsets_.push_back(buf_.size());
      buf_.append(kCrcChars + 1, ' ');
      buf_.append(e->second.line);
      buf_.push_back('\n');
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t k = 0; k < offsets_.size(); ++k) {
    const std::size_t start = offsets_[k] + kCrcChars + 1;
    const std::size_t end = k + 1 < offsets_.size() ? offsets_[k + 1] - 1 : buf_.size() - 1;
    const std::uint32_t crc = crc_of(std::string_view(buf_).substr(start, end - start));
    for (std::size_t i = 0; i < kCrcChars; ++i) buf_[offsets_[k] + i] = kHex[(crc >> (28 - 4 * i)) & 0xf];
  }
  std::optional<std::string> error;
  try {
    append_round();
  } catch (const std::exception& e) {
    error = reason_of(e, log_path_);
  }
  const std::size_t n = round_.size();
  if (!error) {
    for (std::size_t k = 0; k < n; ++k) {
      Entry& e = round_[k]->second;
      const std::size_t start = offsets_[k] + kCrcChars + 1;
      const std::size_t end = k + 1 < n ? offsets_[k + 1] - 1 : buf_.size() - 1;
      e.logged.assign(buf_, start, end - start);
      if (!e.since) {
        e.since = true;
        since_.push_back(round_[k]);
      }
    }
  }
  const bool big = log_size_ >= options_.checkpoint_bytes;
  std::lock_guard lk(mu_);
  if (!error) {
    round_.clear();
    ++stats_.commits;
    stats_.rows_written += n;
    stats_.log_bytes = log_size_;
    committed_seq_ = seq;
    last_error_.reset();
    has_logged_ = true;
    if (big) ckpt_wake_.notify_one();
    return true;
  }
  // Pending again (a newer put for the same client meanwhile wins: `line`
  // is always the newest).
  for (const EntryPtr e : round_) {
    if (!e->second.dirty) {
      e->second.dirty = true;
      dirty_.push_back(e);
    }
  }
  round_.clear();
  last_error_ = std::move(error);
  return false;
}

void DurableTable::append_round() {
  if (tail_dirty_) {
    // A failed append may have left part of a record: cut it off first, so it
    // never ends up in the middle of the log.
    if (::ftruncate(log_fd_, static_cast<off_t>(log_size_)) != 0)
      throw DurableTableError(log_path_, "cannot truncate: " + errno_text(errno));
    tail_dirty_ = false;
  }
  if (!pwrite_all(log_fd_, buf_, log_size_)) {
    tail_dirty_ = true;
    throw DurableTableError(log_path_, "cannot append: " + errno_text(errno));
  }
  if (!datasync(log_fd_)) {
    tail_dirty_ = true;
    throw DurableTableError(log_path_, "cannot fdatasync: " + errno_text(errno));
  }
  log_size_ += buf_.size();
}

bool DurableTable::checkpoint_round() {
  std::lock_guard ckpt_lock(ckpt_mu_);
  std::vector<EntryPtr> taken;
  std::vector<std::pair<std::string, std::string>> rows;
  {
    std::lock_guard log_lock(log_mu_);
    if (log_fd_ < 0 || !db_) return false;
    taken.swap(since_);
    rows.reserve(taken.size());
    for (const EntryPtr e : taken) {
      e->second.since = false;
      rows.emplace_back(e->first, e->second.logged);
    }
    std::lock_guard lk(mu_);
    has_logged_ = false;
  }
  std::optional<std::string> error;
  try {
    if (!rows.empty()) write_rows(rows);
  } catch (const std::exception& e) {
    error = reason_of(e, path_);
  }
  std::lock_guard log_lock(log_mu_);
  if (error) {
    // Still to be checkpointed (with whatever was logged for them since).
    for (const EntryPtr e : taken) {
      if (!e->second.since) {
        e->second.since = true;
        since_.push_back(e);
      }
    }
    std::lock_guard lk(mu_);
    has_logged_ = true;
    last_error_ = std::move(error);
    return false;
  }
  // SQLite holds the snapshot (committed, fsynced): the log keeps only the
  // lines logged since. A crash before the rename leaves the old log, whose
  // lines replayed over the table give the same result.
  try {
    std::vector<std::string_view> keep;
    keep.reserve(since_.size());
    for (const EntryPtr e : since_) keep.push_back(e->second.logged);
    rewrite_log(keep);
  } catch (const std::exception& e) {
    error = reason_of(e, log_path_);
  }
  std::lock_guard lk(mu_);
  stats_.log_bytes = log_size_;
  if (error) {
    last_error_ = std::move(error);
    return false;
  }
  ++stats_.checkpoints;
  stats_.rows_checkpointed += rows.size();
  // A failed log write keeps its error until a write succeeds.
  if (dirty_.empty()) last_error_.reset();
  has_logged_ = !since_.empty();
  return true;
}

void DurableTable::write_rows(std::vector<std::pair<std::string, std::string>>& rows) {
  Db& db = *db_;
  sqlite::Transaction tx(db);
  Stmt st(db, kUpsert);
  // In key order: each B-tree page is visited once, while it is in the cache.
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [client, line] : rows) st.bind_blob(1, client).bind(2, std::string_view(line)).run();
  tx.commit();
}

void DurableTable::commit_loop() {
  using clock = std::chrono::steady_clock;
  std::unique_lock lk(mu_);
  auto next = clock::now();
  int failures = 0;
  for (;;) {
    wake_.wait(lk, [&] { return stop_ || (!dirty_.empty() && (mode_ == Durability::Batch || last_error_)); });
    if (stop_) return;
    // Group commit: at most one round per kGroupCommitMs; lines put meanwhile
    // join this round.
    if (clock::now() < next) {
      wake_.wait_until(lk, next, [&] { return stop_; });
      if (stop_) return;
    }
    const auto started = clock::now();
    lk.unlock();
    const bool ok = commit_round();
    lk.lock();
    // The next round starts kGroupCommitMs after this one started (or at once
    // if this one took longer), so a line waits at most about kGroupCommitMs
    // plus one write. A failing round backs off from its end.
    failures = ok ? 0 : failures + 1;
    next = ok ? started + std::chrono::milliseconds(kGroupCommitMs)
              : clock::now() + std::chrono::milliseconds(std::min(kMaxRetryMs, kGroupCommitMs << std::min(failures, 7)));
  }
}

void DurableTable::checkpoint_loop() {
  using clock = std::chrono::steady_clock;
  std::unique_lock lk(mu_);
  auto last = clock::now();
  auto not_before = last;
  int failures = 0;
  for (;;) {
    if (clock::now() < not_before) {
      ckpt_wake_.wait_until(lk, not_before, [&] { return stop_; });
      if (stop_) return;
    }
    // Wakes at least every 100 ms to look at the clock; a log past
    // checkpoint_bytes wakes it at once.
    ckpt_wake_.wait_for(lk, std::chrono::milliseconds(100),
                        [&] { return stop_ || (has_logged_ && stats_.log_bytes >= options_.checkpoint_bytes); });
    if (stop_) return;
    const auto now = clock::now();
    if (!has_logged_) continue;
    const bool due = stats_.log_bytes >= options_.checkpoint_bytes ||
                     now - last >= std::chrono::milliseconds(options_.checkpoint_ms);
    if (!due) continue;
    lk.unlock();
    const bool ok = checkpoint_round();
    lk.lock();
    failures = ok ? 0 : failures + 1;
    last = clock::now();
    not_before = ok ? last : last + std::chrono::milliseconds(std::min(kMaxRetryMs, kGroupCommitMs << std::min(failures, 7)));
  }
}

}  // namespace herd::durable
