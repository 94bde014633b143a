#include "engine/durable/table_log.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/durable/crc32.h"
#include "engine/durable/durable_table.h"
#include "herd/client_directory.h"
#include "herd/report.h"

namespace herd::durable {

namespace {

namespace fs = std::filesystem;

constexpr const char* kLogMagic = "herd-table-log";
// A record is the checksum in this many lowercase hex digits, a space, the AT line.
constexpr std::size_t kCrcChars = 8;

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

void LogBatch::clear() {
  bytes_.clear();
  offsets_.clear();
}

void LogBatch::add(std::string_view at_line) {
  offsets_.push_back(bytes_.size());
  bytes_.append(kCrcChars + 1, ' ');
  bytes_.append(at_line);
  bytes_.push_back('\n');
}

std::string_view LogBatch::line(std::size_t k) const {
  const std::size_t start = offsets_[k] + kCrcChars + 1;
  const std::size_t end = k + 1 < offsets_.size() ? offsets_[k + 1] - 1 : bytes_.size() - 1;
  return std::string_view(bytes_).substr(start, end - start);
}

void LogBatch::seal() {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t k = 0; k < offsets_.size(); ++k) {
    const std::uint32_t crc = crc32(line(k));
    for (std::size_t i = 0; i < kCrcChars; ++i) bytes_[offsets_[k] + i] = kHex[(crc >> (28 - 4 * i)) & 0xf];
  }
}

TableLog::TableLog(std::string path, std::string server) : path_(std::move(path)), server_(std::move(server)) {}

TableLog::~TableLog() { close(); }

void TableLog::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

TableLog::Contents TableLog::read() const {
  Contents out;
  std::error_code ec;
  if (!fs::exists(path_, ec)) return out;
  out.exists = true;
  std::string bytes;
  {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw DurableTableError(path_, "cannot open: " + errno_text(errno));
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int err = errno;
        ::close(fd);
        throw DurableTableError(path_, "cannot read: " + errno_text(err));
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
    throw DurableTableError(path_, "not a herd table log (line 1 is not \"" + std::string(kLogMagic) +
                                       " <version> <server>\")");
  std::string_view rest = header.substr(magic.size());
  const std::size_t sp = rest.find(' ');
  const std::string version(rest.substr(0, sp));
  const std::string owner = sp == std::string_view::npos ? std::string() : std::string(rest.substr(sp + 1));
  constexpr int kFormatVersion = DurableTable::kFormatVersion;
  if (version != std::to_string(kFormatVersion)) {
    std::string rel = "another format version than";
    try {
      rel = std::stoll(version) > kFormatVersion ? "newer than" : "older than";
    } catch (const std::exception&) {
    }
    throw DurableTableError(path_, "table log format version " + version + ", " + rel +
                                       " the version this herd reads and writes (" +
                                       std::to_string(kFormatVersion) + ")");
  }
  if (owner != server_)
    throw DurableTableError(path_, "the table log of server '" + owner + "', not of '" + server_ +
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
      throw DurableTableError(path_, where + "not a record (\"<crc32> <AT line>\"); the log is corrupt, not opened");
    }
    const std::string_view line = rec.substr(kCrcChars + 1);
    const std::uint32_t crc = static_cast<std::uint32_t>(std::stoul(std::string(rec.substr(0, kCrcChars)), nullptr, 16));
    if (crc != crc32(line)) {
      if (last) break;  // a torn last record: never fdatasync'ed
      throw DurableTableError(path_, where + "bad checksum; the log is corrupt, not opened");
    }
    const ReportRef report = parse_at_line(line, clients);
    if (!report) throw DurableTableError(path_, where + "its AT line does not parse; the log is corrupt, not opened");
    if (report->at_line() != line)
      throw DurableTableError(path_, where + "its AT line is not in the form the server writes");
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

void TableLog::open(const Contents& checked) {
  std::error_code ec;
  fs::remove(path_ + ".tmp", ec);
  if (!checked.exists) {
    rewrite(LogBatch{});
    return;
  }
  fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
  if (fd_ < 0) throw DurableTableError(path_, "cannot open: " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throw DurableTableError(path_, "cannot stat: " + errno_text(errno));
  // A torn last record was never fdatasync'ed (a crash mid-append): cut off
  // before anything is appended after it.
  if (static_cast<std::uint64_t>(st.st_size) != checked.valid_bytes) {
    if (::ftruncate(fd_, static_cast<off_t>(checked.valid_bytes)) != 0 || !datasync(fd_))
      throw DurableTableError(path_, "cannot cut off its torn last line: " + errno_text(errno));
  }
  size_ = checked.valid_bytes;
}

void TableLog::append(const LogBatch& batch) {
  if (tail_dirty_) {
    // A failed append may have left part of a record: cut it off first, so it
    // never ends up in the middle of the log.
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0)
      throw DurableTableError(path_, "cannot truncate: " + errno_text(errno));
    tail_dirty_ = false;
  }
  if (!pwrite_all(fd_, batch.bytes(), size_)) {
    tail_dirty_ = true;
    throw DurableTableError(path_, "cannot append: " + errno_text(errno));
  }
  if (!datasync(fd_)) {
    tail_dirty_ = true;
    throw DurableTableError(path_, "cannot fdatasync: " + errno_text(errno));
  }
  size_ += batch.bytes().size();
}

void TableLog::rewrite(const LogBatch& batch) {
  const std::string tmp = path_ + ".tmp";
  const std::string data = log_header(server_) + batch.bytes();
  const int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw DurableTableError(path_, "cannot create " + tmp + ": " + errno_text(errno));
  if (!pwrite_all(fd, data, 0) || !datasync(fd)) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw DurableTableError(path_, "cannot write " + tmp + ": " + errno_text(err));
  }
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    throw DurableTableError(path_, "cannot rename " + tmp + ": " + errno_text(err));
  }
  // The rename must be on disk before anything is appended to the new file.
  std::string dir = fs::path(path_).parent_path().string();
  if (dir.empty()) dir = ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool dir_ok = dfd >= 0 && ::fsync(dfd) == 0;
  const int err = errno;
  if (dfd >= 0) ::close(dfd);
  close();
  fd_ = fd;
  size_ = data.size();
  tail_dirty_ = false;
  if (!dir_ok) throw DurableTableError(path_, "cannot fsync directory " + dir + ": " + errno_text(err));
}

}  // namespace herd::durable
