#include "herd/posix_time.h"

#include <cstdlib>

namespace herd {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Parses digits [.digits{1..max_frac}] into nanoseconds; exact_frac forces
// exactly max_frac fraction digits.
std::optional<Nanos> parse_seconds(std::string_view s, bool exact_frac) {
  std::size_t i = 0;
  Nanos secs = 0;
  while (i < s.size() && is_digit(s[i])) {
    if (__builtin_mul_overflow(secs, 10, &secs) ||
        __builtin_add_overflow(secs, s[i] - '0', &secs)) {
      return std::nullopt;
    }
    ++i;
  }
  if (i == 0) return std::nullopt;
  Nanos frac = 0;
  int frac_digits = 0;
  if (i < s.size()) {
    if (s[i] != '.') return std::nullopt;
    ++i;
    while (i < s.size() && is_digit(s[i]) && frac_digits < 9) {
      frac = frac * 10 + (s[i] - '0');
      ++frac_digits;
      ++i;
    }
    if (frac_digits == 0 || i != s.size()) return std::nullopt;
    if (exact_frac && frac_digits != 9) return std::nullopt;
    for (int k = frac_digits; k < 9; ++k) frac *= 10;
  } else if (exact_frac) {
    return std::nullopt;
  }
  Nanos total = 0;
  if (__builtin_mul_overflow(secs, kNanosPerSecond, &total) ||
      __builtin_add_overflow(total, frac, &total)) {
    return std::nullopt;
  }
  return total;
}

}  // namespace

std::optional<Nanos> parse_posix_time(std::string_view text) {
  return parse_seconds(text, /*exact_frac=*/false);
}

std::string format_time_diff(Nanos diff) {
  // Work in unsigned so that the magnitude of INT64_MIN is representable.
  const bool negative = diff < 0;
  const std::uint64_t mag = negative ? 0 - static_cast<std::uint64_t>(diff)
                                     : static_cast<std::uint64_t>(diff);
  std::string frac = std::to_string(mag % kNanosPerSecond);
  std::string out;
  out.reserve(32);
  out += negative ? '-' : '+';
  out += std::to_string(mag / kNanosPerSecond);
  out += '.';
  out.append(9 - frac.size(), '0');
  out += frac;
  return out;
}

std::optional<Nanos> parse_time_diff(std::string_view text) {
  if (text.size() < 2 || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  auto mag = parse_seconds(text.substr(1), /*exact_frac=*/true);
  if (!mag) return std::nullopt;
  // Only what format_time_diff writes: "+02.5..." or "-0.000000000" would
  // parse, but the AT line rebuilt from the value would then differ from the
  // one the origin sent (found by fuzz/fuzz_peer_line).
  if (text.size() > 2 && text[1] == '0' && text[2] != '.') return std::nullopt;
  if (*mag == 0 && text[0] == '-') return std::nullopt;
  return text[0] == '-' ? -*mag : *mag;
}

}  // namespace herd
