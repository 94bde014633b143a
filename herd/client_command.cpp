#include "herd/client_command.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "herd/posix_time.h"

namespace herd {
namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

std::size_t split_fields(std::string_view line, std::span<std::string_view> out) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_protocol_space(line[i])) ++i;
    if (i == line.size()) break;
    const std::size_t start = i;
    while (i < line.size() && !is_protocol_space(line[i])) ++i;
    if (count < out.size()) out[count] = line.substr(start, i - start);
    ++count;
  }
  return count;
}

std::optional<double> parse_radius_km(std::string_view s) {
  std::size_t i = 0;
  long whole = 0;
  while (i < s.size() && is_digit(s[i])) {
    whole = std::min<long>(whole * 10 + (s[i] - '0'), 1000);
    ++i;
  }
  if (i == 0) return std::nullopt;
  bool frac_nonzero = false;
  if (i < s.size()) {
    if (s[i] != '.') return std::nullopt;
    const std::size_t frac_start = ++i;
    while (i < s.size() && is_digit(s[i])) frac_nonzero |= s[i++] != '0';
    if (i == frac_start || i != s.size()) return std::nullopt;
  }
  if (whole == 0 && !frac_nonzero) return std::nullopt;      // must be > 0
  if (whole > 50 || (whole == 50 && frac_nonzero)) return std::nullopt;  // <= 50
  double value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

std::optional<int> parse_bound(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int value = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 20) return std::nullopt;
  return value;
}

ClientCommand parse_client_line(std::string_view line) {
  std::array<std::string_view, 4> f;
  const std::size_t n = split_fields(line, f);
  if (n == 0) return EmptyLine{};
  if (n != 4) return InvalidLine{};
  if (f[0] == "IAMAT") {
    auto pos = parse_iso6709(f[2]);
    auto t = parse_posix_time(f[3]);
    if (!pos || !t) return InvalidLine{};
    return IamAt{f[1], f[2], f[3], *pos, *t};
  }
  if (f[0] == "WHATSAT") {
    auto radius = parse_radius_km(f[2]);
    auto bound = parse_bound(f[3]);
    if (!radius || !bound) return InvalidLine{};
    return WhatsAt{f[1], *radius, *bound};
  }
  return InvalidLine{};
}

}  // namespace herd
