#pragma once
// Messages between servers. In memory they carry a shared ReportRef; on the
// wire (live mode) they are text lines, documented in docs/peer-protocol.md.
#include <cstdint>
#include <string>
#include <string_view>

#include "herd/report.h"

namespace herd {

class ClientDirectory;

struct PeerMessage {
  enum class Kind : std::uint8_t {
    Update,  // "here is a report": the only kind plain flooding uses
  };
  Kind kind = Kind::Update;
  std::uint16_t hops = 0;  // links crossed since the origin server
  ReportRef report;
};

// "UPDATE <hops> AT <origin> <diff> <client> <coordinates> <time>"
std::string format_peer_message(const PeerMessage& m);

// Parses a peer line strictly, exactly as docs/peer-protocol.md writes it:
// "UPDATE", hops 1..65535 in plain decimal, and an AT line (parse_at_line),
// single spaces only. Returns false (and leaves `out` alone) otherwise.
bool parse_peer_message(std::string_view line, ClientDirectory& clients, PeerMessage& out);

}  // namespace herd
