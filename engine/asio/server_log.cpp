#include "engine/asio/server_log.h"

#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace herd::live {

ServerLog::~ServerLog() {
  if (file_) {
    flush();
    std::fclose(file_);
  }
}

void ServerLog::open(const std::string& dir, const std::string& name, bool log_lines) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  path_ = (std::filesystem::path(dir) / (name + ".log")).string();
  file_ = std::fopen(path_.c_str(), "ab");
  if (!file_) throw std::runtime_error("cannot open log file " + path_);
  log_lines_ = log_lines;
  buf_.reserve(1 << 20);
}

void ServerLog::stamp() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  if (ts.tv_sec != cached_sec_) {
    cached_sec_ = ts.tv_sec;
    std::tm tm{};
    gmtime_r(&ts.tv_sec, &tm);
    std::strftime(cached_prefix_, sizeof cached_prefix_, "%Y-%m-%dT%H:%M:%S", &tm);
  }
  char frac[32];
  std::snprintf(frac, sizeof frac, ".%06ldZ ", static_cast<long>(ts.tv_nsec / 1000));
  buf_.append(cached_prefix_);
  buf_.append(frac);
}

void ServerLog::lines(std::string_view who, char dir, std::string_view text) {
  if (!lines_enabled()) return;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    stamp();
    buf_.append(who);
    buf_.push_back(' ');
    buf_.push_back(dir);
    buf_.push_back(' ');
    buf_.append(line);
    buf_.push_back('\n');
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  if (buf_.size() > kFlushBytes) flush();
}

void ServerLog::event(std::string_view text) {
  if (!file_) return;
  stamp();
  buf_.append(text);
  buf_.push_back('\n');
  flush();  // events are rare and the most useful lines after a crash
}

void ServerLog::flush() {
  if (!file_ || buf_.empty()) return;
  std::fwrite(buf_.data(), 1, buf_.size(), file_);
  std::fflush(file_);
  buf_.clear();
}

}  // namespace herd::live
