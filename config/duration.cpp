#include "config/duration.h"

#include <cstdint>
#include <limits>

namespace herd {

std::optional<Nanos> parse_duration(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  std::size_t i = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
  const std::string_view number = text.substr(0, i), unit = text.substr(i);
  Nanos scale = 0;
  if (unit == "ns") scale = 1;
  else if (unit == "us") scale = 1'000;
  else if (unit == "ms") scale = 1'000'000;
  else if (unit == "s") scale = kNanosPerSecond;
  else if (unit == "m") scale = 60 * kNanosPerSecond;
  else if (unit == "h") scale = 3600 * kNanosPerSecond;
  else return std::nullopt;
  const std::size_t dot = number.find('.');
  const std::string_view whole = number.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
  if (whole.empty() || frac.find('.') != std::string_view::npos) return std::nullopt;
  if (dot != std::string_view::npos && frac.empty()) return std::nullopt;
  constexpr Nanos kMax = std::numeric_limits<Nanos>::max() / 10;
  Nanos value = 0;
  for (char c : whole) {
    value = value * 10 + (c - '0');
    if (value > kMax / scale) return std::nullopt;
  }
  value *= scale;
  Nanos place = scale;
  for (char c : frac) {
    if (place % 10 != 0) return std::nullopt;  // finer than a nanosecond
    place /= 10;
    value += (c - '0') * place;
  }
  return negative ? -value : value;
}

}  // namespace herd
