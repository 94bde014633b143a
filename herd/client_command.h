#pragma once
// The client protocol's commands: splitting a line into fields and checking
// every operand. Parsing never allocates; views point into the caller's line.
#include <span>
#include <optional>
#include <string_view>
#include <variant>

#include "herd/coordinates.h"
#include "herd/types.h"

namespace herd {

// Space, tab, CR, LF, form feed and vertical tab separate fields.
constexpr bool is_protocol_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// Splits on runs of protocol white space. Fills at most out.size() fields and
// returns the total number of fields in the line (which may be larger).
std::size_t split_fields(std::string_view line, std::span<std::string_view> out);

struct IamAt {
  std::string_view client;       // byte-for-byte as sent
  std::string_view coordinates;  // byte-for-byte as sent
  std::string_view time;         // byte-for-byte as sent
  Coordinates position;
  Nanos client_time = 0;
};

struct WhatsAt {
  std::string_view client;
  double radius_km = 0;  // (0, 50]
  int bound = 0;         // 1..20
};

struct EmptyLine {};    // only white space: gets no reply
struct InvalidLine {};  // gets "? <line>"

using ClientCommand = std::variant<EmptyLine, InvalidLine, IamAt, WhatsAt>;

// Parses one line received on a client connection (without its '\n').
// Anything that is not a well-formed IAMAT or WHATSAT is InvalidLine,
// including AT lines and peer messages: a client cannot speak for a server.
ClientCommand parse_client_line(std::string_view line);

// Radius in km: digits with an optional fraction, > 0 and <= 50 (exact).
std::optional<double> parse_radius_km(std::string_view text);
// Bound: digits only, 1..20.
std::optional<int> parse_bound(std::string_view text);

}  // namespace herd
