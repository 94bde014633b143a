#include "herd/peer_message.h"

#include <charconv>

#include "herd/client_directory.h"

namespace herd {

std::string format_peer_message(const PeerMessage& m) {
  std::string out = "UPDATE ";
  out += std::to_string(m.hops);
  out += ' ';
  out += m.report->at_line();
  return out;
}

bool parse_peer_message(std::string_view line, ClientDirectory& clients, PeerMessage& out) {
  constexpr std::string_view kUpdate = "UPDATE ";
  if (!line.starts_with(kUpdate)) return false;
  line.remove_prefix(kUpdate.size());
  const auto space = line.find(' ');
  // 1..65535 in plain decimal: no sign, no leading zero (hops start at 1).
  if (space == std::string_view::npos || space == 0 || space > 5 || line[0] == '0') return false;
  unsigned hops = 0;
  auto [ptr, ec] = std::from_chars(line.data(), line.data() + space, hops);
  if (ec != std::errc() || ptr != line.data() + space || hops > 0xFFFF) return false;
  ReportRef r = parse_at_line(line.substr(space + 1), clients);
  if (!r) return false;
  out.kind = PeerMessage::Kind::Update;
  out.hops = static_cast<std::uint16_t>(hops);
  out.report = std::move(r);
  return true;
}

}  // namespace herd
