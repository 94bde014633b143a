#include "herd/coordinates.h"

#include <charconv>

namespace herd {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads one signed decimal starting at s[pos]; advances pos past it.
// Returns its value if |value| <= limit (checked on the digits), else nullopt.
std::optional<double> read_signed_decimal(std::string_view s, std::size_t& pos, int limit) {
  if (pos >= s.size() || (s[pos] != '+' && s[pos] != '-')) return std::nullopt;
  const bool negative = s[pos] == '-';
  const std::size_t start = ++pos;
  long whole = 0;
  bool whole_overflow = false;
  while (pos < s.size() && is_digit(s[pos])) {
    whole = whole * 10 + (s[pos] - '0');
    if (whole > limit) whole_overflow = true, whole = limit + 1;
    ++pos;
  }
  if (pos == start) return std::nullopt;
  bool frac_nonzero = false;
  if (pos < s.size() && s[pos] == '.') {
    const std::size_t frac_start = ++pos;
    while (pos < s.size() && is_digit(s[pos])) {
      frac_nonzero |= s[pos] != '0';
      ++pos;
    }
    if (pos == frac_start) return std::nullopt;
  }
  if (whole_overflow || whole > limit || (whole == limit && frac_nonzero)) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data() + start, s.data() + pos, value);
  if (ec != std::errc() || ptr != s.data() + pos) return std::nullopt;
  return negative ? -value : value;
}

}  // namespace

std::optional<Coordinates> parse_iso6709(std::string_view text) {
  std::size_t pos = 0;
  auto lat = read_signed_decimal(text, pos, 90);
  if (!lat) return std::nullopt;
  auto lon = read_signed_decimal(text, pos, 180);
  if (!lon || pos != text.size()) return std::nullopt;
  return Coordinates{*lat, *lon};
}

}  // namespace herd
