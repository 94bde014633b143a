#pragma once
// ISO 6709 latitude/longitude pairs as IAMAT carries them.
#include <optional>
#include <string_view>

namespace herd {

struct Coordinates {
  double latitude = 0;   // degrees, within [-90, 90]
  double longitude = 0;  // degrees, within [-180, 180]
};

// Parses "+34.068930-118.445127": a signed latitude immediately followed by a
// signed longitude, each digits with an optional '.' and fraction digits.
// The sign is mandatory on both. The range check is exact on the decimal
// text ("+90.000" is in range, "+90.0000001" is not), never via a double.
std::optional<Coordinates> parse_iso6709(std::string_view text);

}  // namespace herd
