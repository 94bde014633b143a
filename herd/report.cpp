#include "herd/report.h"

#include <array>
#include <span>

#include "herd/client_command.h"
#include "herd/client_directory.h"
#include "herd/posix_time.h"

namespace herd {

std::string_view Report::origin() const {
  return std::string_view(at_line_).substr(3, origin_len_);
}

std::string_view Report::client_name() const {
  // "AT " origin " " diff " " client ...; diff contains no spaces.
  const std::size_t diff_start = 3 + origin_len_ + 1;
  const std::size_t client_start = at_line_.find(' ', diff_start) + 1;
  return std::string_view(at_line_).substr(client_start, client_len_);
}

ReportRef make_report(std::string at_line, ClientId client, Nanos client_time, Nanos diff,
                      Coordinates position, std::uint16_t origin_len, std::uint16_t client_len) {
  auto* r = new Report();
  r->at_line_ = std::move(at_line);
  r->client_ = client;
  r->client_time_ = client_time;
  r->time_diff_ = diff;
  r->position_ = position;
  r->origin_len_ = origin_len;
  r->client_len_ = client_len;
  return ReportRef(r);
}

ReportRef make_client_report(std::string_view server, Nanos time_diff, ClientId client,
                             std::string_view client_name, std::string_view coordinates,
                             std::string_view time_text, Coordinates position, Nanos client_time) {
  const std::string diff = format_time_diff(time_diff);
  std::string line;
  line.reserve(3 + server.size() + 1 + diff.size() + 1 + client_name.size() + 1 +
               coordinates.size() + 1 + time_text.size());
  line.append("AT ").append(server).append(" ").append(diff).append(" ");
  line.append(client_name).append(" ").append(coordinates).append(" ").append(time_text);
  return make_report(std::move(line), client, client_time, time_diff, position,
                     static_cast<std::uint16_t>(server.size()),
                     static_cast<std::uint16_t>(client_name.size()));
}

namespace {
// Exactly as servers write it: fields separated by one space, nothing before
// or after. A line with tabs, runs of spaces or a CR was not made by a herd
// server, so it is not one.
bool single_spaced(std::string_view text) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ') return false;
  char prev = 0;
  for (char c : text) {
    if (c == ' ' ? prev == ' ' : is_protocol_space(c)) return false;
    prev = c;
  }
  return true;
}
}  // namespace

ReportRef parse_at_line(std::string_view text, ClientDirectory& clients) {
  if (!single_spaced(text)) return {};
  std::array<std::string_view, 6> f;
  if (split_fields(text, f) != 6 || f[0] != "AT") return {};
  if (f[1].size() > 0xFFFF || f[3].size() > 0xFFFF) return {};
  auto diff = parse_time_diff(f[2]);
  auto pos = parse_iso6709(f[4]);
  auto t = parse_posix_time(f[5]);
  if (!diff || !pos || !t) return {};
  const auto id = clients.try_intern(f[3]);
  if (!id) return {};
  return make_client_report(f[1], *diff, *id, f[3], f[4], f[5], *pos, *t);
}

}  // namespace herd
