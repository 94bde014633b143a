#include "engine/places/json_coordinate.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

namespace herd {
namespace {

std::uint64_t bits(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

// A coordinate printed as dump() prints it. Coordinates are k / 1e7 for an
// integer k, and dump()'s grisu2 prints the shortest decimal within a
// slightly narrowed rounding interval of the double: that is k's own seven
// decimals (trailing zeros dropped) whenever that decimal lies inside the
// interval, since no other decimal of 15 digits or fewer maps to the same
// double. So when the decimal is provably well inside (checked exactly in
// 128-bit integers, with a margin of 1/64 ulp against grisu2's own
// narrowing of a few 2^-64 units), the digits are written from k directly;
// anything else (|v| < 1, where dump() may switch to an exponent, the
// boundary next to a power of two, a decimal near the interval's edge)
// goes through nlohmann's printer itself. By construction about 1/32 of
// coordinates fall back (the margins); a test compares the two on a million.
constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

__extension__ typedef __int128 Int128;  // GCC and Clang; -Wpedantic allows it so marked

}  // namespace

char* print_json_coordinate(char* out, double v) {
  const double scaled = std::round(v * 1e7);
  const double printed = scaled / 1e7;  // what round7(v) gives
  if (std::abs(scaled) >= 1e7 && std::abs(scaled) < 1e12) {
    const auto k = static_cast<std::int64_t>(scaled);
    const std::uint64_t b = bits(printed);
    const int biased = static_cast<int>((b >> 52) & 0x7ff);  // normal: |printed| >= 1
    const std::uint64_t fraction = b & ((std::uint64_t{1} << 52) - 1);
    const auto m = static_cast<std::int64_t>(fraction | (std::uint64_t{1} << 52));
    const int s = 1075 - biased;  // printed = m * 2^-s
    if (fraction != 0 && s > 0 && s < 80) {
      const Int128 lhs = (static_cast<Int128>(k < 0 ? -k : k) << s) - static_cast<Int128>(m) * 10'000'000;
      // |D - v| <= (1/2 - 1/64) ulp, scaled by 2^s x 1e7 x 64:
      if ((lhs < 0 ? -lhs : lhs) * 64 <= static_cast<Int128>(31) * 10'000'000) {
        const auto a = static_cast<std::uint64_t>(k < 0 ? -k : k);
        if (k < 0) *out++ = '-';
        out = std::to_chars(out, out + 24, a / 10'000'000).ptr;
        *out++ = '.';
        // Seven decimals, two at a time, then the trailing zeros dropped
        // (all seven zero: ".0", as dump() prints an integral double).
        auto f = static_cast<std::uint32_t>(a % 10'000'000);
        out[6] = static_cast<char>('0' + f % 10);
        f /= 10;
        for (int i = 4; i >= 0; i -= 2, f /= 100) std::memcpy(out + i, kDigitPairs + 2 * (f % 100), 2);
        int digits = 7;
        while (digits > 1 && out[digits - 1] == '0') --digits;
        return out + digits;
      }
    }
  }
  return nlohmann::detail::to_chars(out, out + 32, printed);
}


}  // namespace herd
