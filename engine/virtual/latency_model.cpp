#include "engine/virtual/latency_model.h"

#include <cmath>
#include <cstdio>

namespace herd::virt {

std::string format_nanos(Nanos v) {
  struct Unit { Nanos scale; const char* name; };
  static constexpr Unit kUnits[] = {{kNanosPerSecond, "s"}, {1'000'000, "ms"}, {1'000, "us"}};
  const Nanos mag = v < 0 ? -v : v;
  for (const auto& u : kUnits) {
    if (mag >= u.scale) {
      if (v % u.scale == 0) return std::to_string(v / u.scale) + u.name;
      // Not a whole number of this unit: print with the exact decimals.
      std::string frac = std::to_string(mag % u.scale);
      const std::size_t width = std::to_string(u.scale).size() - 1;
      frac.insert(0, width - frac.size(), '0');
      while (!frac.empty() && frac.back() == '0') frac.pop_back();
      return (v < 0 ? "-" : "") + std::to_string(mag / u.scale) + "." + frac + u.name;
    }
  }
  return std::to_string(v) + "ns";
}

namespace {
std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}
Nanos ns(double v) { return static_cast<Nanos>(v); }
}  // namespace

std::string LatencyModel::describe() const {
  switch (kind) {
    case Kind::Constant: return "constant(" + format_nanos(ns(a)) + ")";
    case Kind::Uniform: return "uniform(" + format_nanos(ns(a)) + "," + format_nanos(ns(b)) + ")";
    case Kind::Normal: return "normal(mean=" + format_nanos(ns(a)) + ",stddev=" + format_nanos(ns(b)) + ")";
    // The median the scenario gave (mu = ln(median)), back to whole nanoseconds.
    case Kind::LogNormal: return "lognormal(median=" + format_nanos(std::llround(std::exp(a))) + ",sigma=" + num(b) + ")";
    case Kind::Exponential: return "exponential(mean=" + format_nanos(ns(a)) + ")";
    case Kind::Pareto: return "pareto(scale=" + format_nanos(ns(a)) + ",shape=" + num(b) + ")";
  }
  return "?";
}

}  // namespace herd::virt
