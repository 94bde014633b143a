#pragma once
// One location report as the herd stores and floods it: the AT line the
// receiving server answered with, plus the parsed fields the node compares.
// Reports are immutable and shared by reference count, so flooding a report
// to a thousand nodes copies a pointer, never the text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "herd/coordinates.h"
#include "herd/types.h"

namespace herd {

class ClientDirectory;
class Report;
class ReportRef;

ReportRef make_report(std::string at_line, ClientId client, Nanos client_time, Nanos diff,
                      Coordinates position, std::uint16_t origin_len, std::uint16_t client_len);

class Report {
 public:
  // "AT <origin> <diff> <client> <coordinates> <time>", single spaces.
  const std::string& at_line() const { return at_line_; }
  std::string_view origin() const;
  std::string_view client_name() const;
  ClientId client() const { return client_; }
  Nanos client_time() const { return client_time_; }
  Nanos time_diff() const { return time_diff_; }
  const Coordinates& position() const { return position_; }

  // The herd-wide order of reports for one client: later client time wins;
  // equal client times are broken by comparing the AT lines byte-wise (the
  // greater line wins), so every server converges on the same report no
  // matter the order reports arrive in. Equal lines are the same report.
  bool newer_than(const Report& other) const {
    if (client_time_ != other.client_time_) return client_time_ > other.client_time_;
    return at_line_ > other.at_line_;
  }

 private:
  friend class ReportRef;
  friend ReportRef make_report(std::string, ClientId, Nanos, Nanos, Coordinates,
                               std::uint16_t, std::uint16_t);
  Report() = default;

  std::string at_line_;
  Nanos client_time_ = 0;
  Nanos time_diff_ = 0;
  Coordinates position_;
  ClientId client_ = 0;
  std::uint16_t origin_len_ = 0;
  std::uint16_t client_len_ = 0;
  // Not atomic: a node and all its reports live on one thread (the
  // simulator's loop, or one server's io_context).
  std::uint32_t refs_ = 0;
};

// Intrusive shared pointer to an immutable Report (8 bytes).
class ReportRef {
 public:
  ReportRef() = default;
  ReportRef(const ReportRef& o) : p_(o.p_) { retain(); }
  ReportRef(ReportRef&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  ReportRef& operator=(ReportRef o) noexcept { std::swap(p_, o.p_); return *this; }
  ~ReportRef() { release(); }

  const Report* get() const { return p_; }
  const Report& operator*() const { return *p_; }
  const Report* operator->() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  friend ReportRef make_report(std::string, ClientId, Nanos, Nanos, Coordinates,
                               std::uint16_t, std::uint16_t);
  explicit ReportRef(Report* p) : p_(p) { retain(); }
  void retain() { if (p_) ++p_->refs_; }
  void release() { if (p_ && --p_->refs_ == 0) delete p_; p_ = nullptr; }
  Report* p_ = nullptr;
};

// Builds the report a server makes when it accepts an IAMAT. The client name,
// coordinates and time are copied byte for byte into the AT line.
ReportRef make_client_report(std::string_view server, Nanos time_diff, ClientId client,
                             std::string_view client_name, std::string_view coordinates,
                             std::string_view time_text, Coordinates position, Nanos client_time);

// Parses an AT line (as a peer sends it) strictly: six fields separated by
// single spaces, nothing before or after, a valid time difference,
// coordinates and time. Interns the client name in `clients`
// (try_intern). Returns an empty ref if malformed, or if the client is new
// and the directory is at its limits (clients.full_for tells which).
ReportRef parse_at_line(std::string_view line, ClientDirectory& clients);

}  // namespace herd
