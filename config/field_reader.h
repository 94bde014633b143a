#pragma once
// Reads typed fields out of a parsed JSON document (parse_strict_json),
// naming the file, the field path and the reason in every error. Used by the
// scenario loader (sim/scenario_loader.cpp) and the herd config loader
// (engine/asio/herd_config.cpp).
//
// Paths are built as the documents are walked: child("clients", "count") is
// "clients.count", item("faults", 2) is "faults[2]"; "" is the top level.
//
// The two file kinds word their errors differently, and their messages are
// part of their documented behaviour, so the reader speaks both:
//   Wording::Explained (scenarios): "expected a string, got number",
//       "must be from 1 to 1000, got 0", "unknown field (expected one of: ...)";
//   Wording::Terse (herd configs): "must be a string", "must be between 1
//       and 1000", "unknown field (typo?)".
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "config/field_error.h"
#include "herd/types.h"

namespace herd {

class FieldReader {
 public:
  enum class Wording { Explained, Terse };
  // Throws the caller's own error type (it must throw); without one the
  // reader throws FieldError.
  using Raise = void (*)(const std::string& file, const std::string& field, const std::string& reason);

  FieldReader(std::string file, Wording wording, Raise raise = nullptr)
      : file_(std::move(file)), wording_(wording), raise_(raise) {}
  const std::string& file() const { return file_; }
  Wording wording() const { return wording_; }

  [[noreturn]] void fail(const std::string& field, const std::string& reason) const;

  static std::string child(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string item(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

  // `j` must be an object; with `allowed`, every key must be one of them.
  const nlohmann::json& object(const nlohmann::json& j, const std::string& path) const;
  const nlohmann::json& object(const nlohmann::json& j, const std::string& path,
                               std::initializer_list<const char*> allowed) const;
  void only_keys(const nlohmann::json& obj, const std::string& path, std::initializer_list<const char*> allowed) const;

  // The member `key` of object `obj` at `path`: required fails if missing.
  const nlohmann::json& required(const nlohmann::json& obj, const std::string& path, const char* key) const;
  static const nlohmann::json* optional(const nlohmann::json& obj, const char* key) {
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  std::string string(const nlohmann::json& j, const std::string& path) const;
  // A string that must be one of `options`.
  std::string choice(const nlohmann::json& j, const std::string& path, std::initializer_list<const char*> options) const;
  bool boolean(const nlohmann::json& j, const std::string& path) const;
  // A whole number in [lo, hi].
  std::uint64_t uint(const nlohmann::json& j, const std::string& path, std::uint64_t lo, std::uint64_t hi) const;
  // Any number in [lo, hi].
  double number(const nlohmann::json& j, const std::string& path, double lo, double hi) const;
  // "1.5s", "250ms" (config/duration.h) or a number of seconds.
  Nanos duration(const nlohmann::json& j, const std::string& path, bool allow_negative = false) const;

 private:
  bool explained() const { return wording_ == Wording::Explained; }

  std::string file_;
  Wording wording_;
  Raise raise_;
};

}  // namespace herd
