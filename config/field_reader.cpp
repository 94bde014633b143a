#include "config/field_reader.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "config/duration.h"

namespace herd {

using nlohmann::json;

namespace {

// "a, b, c" (Explained) or "\"a\", \"b\" or \"c\"" (Terse).
std::string list_of(std::initializer_list<const char*> items, bool quoted) {
  std::string list;
  std::size_t i = 0;
  for (const char* a : items) {
    if (i > 0) list += (quoted && i + 1 == items.size()) ? " or " : ", ";
    list += quoted ? "\"" + std::string(a) + "\"" : std::string(a);
    ++i;
  }
  return list;
}

std::string range(double lo, double hi, const char* between, const char* and_) {
  std::ostringstream os;
  os << between << lo << and_ << hi;
  return os.str();
}

}  // namespace

void FieldReader::fail(const std::string& field, const std::string& reason) const {
  if (raise_) raise_(file_, field, reason);
  throw FieldError(file_, field, reason);
}

const json& FieldReader::object(const json& j, const std::string& path) const {
  if (!j.is_object()) fail(path, explained() ? "expected an object, got " + std::string(j.type_name()) : "must be an object");
  return j;
}

const json& FieldReader::object(const json& j, const std::string& path, std::initializer_list<const char*> allowed) const {
  object(j, path);
  only_keys(j, path, allowed);
  return j;
}

void FieldReader::only_keys(const json& obj, const std::string& path, std::initializer_list<const char*> allowed) const {
  for (const auto& item : obj.items()) {
    const std::string& key = item.key();  // a plain reference: clang 14 cannot capture structured bindings
    const bool known = std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; });
    if (known) continue;
    fail(child(path, key), explained() ? "unknown field (expected one of: " + list_of(allowed, false) + ")"
                                       : "unknown field (typo?)");
  }
}

const json& FieldReader::required(const json& obj, const std::string& path, const char* key) const {
  const auto it = obj.find(key);
  if (it == obj.end()) fail(child(path, key), explained() ? "missing required field" : "missing");
  return *it;
}

std::string FieldReader::string(const json& j, const std::string& path) const {
  if (!j.is_string()) fail(path, explained() ? "expected a string, got " + std::string(j.type_name()) : "must be a string");
  return j.get<std::string>();
}

std::string FieldReader::choice(const json& j, const std::string& path, std::initializer_list<const char*> options) const {
  std::string s = string(j, path);
  for (const char* o : options) {
    if (s == o) return s;
  }
  fail(path, explained() ? "'" + s + "' is not one of: " + list_of(options, false)
                         : "must be " + list_of(options, true));
}

bool FieldReader::boolean(const json& j, const std::string& path) const {
  if (!j.is_boolean())
    fail(path, explained() ? "expected true or false, got " + std::string(j.type_name()) : "must be true or false");
  return j.get<bool>();
}

std::uint64_t FieldReader::uint(const json& j, const std::string& path, std::uint64_t lo, std::uint64_t hi) const {
  const bool whole = j.is_number_integer();
  const bool negative = whole && !j.is_number_unsigned() && j.get<std::int64_t>() < 0;
  const std::string from_to = std::to_string(lo) + " to " + std::to_string(hi);
  if (explained()) {
    if (!whole || negative) fail(path, "expected a whole number from " + from_to + ", got " + j.dump());
  } else if (!whole) {
    fail(path, "must be an integer");
  }
  const std::uint64_t v = negative ? 0 : j.get<std::uint64_t>();
  if (negative || v < lo || v > hi) {
    fail(path, explained() ? "must be from " + from_to + ", got " + j.dump()
                           : "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }
  return v;
}

double FieldReader::number(const json& j, const std::string& path, double lo, double hi) const {
  if (!j.is_number()) fail(path, explained() ? "expected a number, got " + std::string(j.type_name()) : "must be a number");
  const double v = j.get<double>();
  if (!(v >= lo && v <= hi)) {
    fail(path, explained() ? range(lo, hi, "must be from ", " to ") + ", got " + j.dump()
                           : range(lo, hi, "must be between ", " and "));
  }
  return v;
}

Nanos FieldReader::duration(const json& j, const std::string& path, bool allow_negative) const {
  const std::string such_as = "a duration such as \"1.5s\" or \"250ms\"";
  std::optional<Nanos> v;
  if (j.is_number()) {
    const double s = j.get<double>();
    if (std::isfinite(s) && std::fabs(s) < 1e9) v = static_cast<Nanos>(std::llround(s * 1e9));
  } else if (j.is_string()) {
    v = parse_duration(j.get<std::string>());
  } else {
    fail(path, explained() ? "expected " + such_as + ", got " + std::string(j.type_name()) : "must be " + such_as);
  }
  if (!v) {
    fail(path, (explained() ? "expected " : "must be ") + such_as + " (units ns, us, ms, s, m, h)" +
                   (explained() ? ", got " + j.dump() : ""));
  }
  if (*v < 0 && !allow_negative) fail(path, "must not be negative" + (explained() ? ", got " + j.dump() : ""));
  return *v;
}

}  // namespace herd
