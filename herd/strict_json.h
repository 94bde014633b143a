#pragma once
// JSON parsing for files people write (scenarios, herd configs): as
// nlohmann::json::parse, but an object with the same key twice is an error.
// nlohmann keeps the last value silently, so `"seed": 1, ..., "seed": 2`
// would run seed 2 without a word.
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace herd {

class DuplicateKeyError : public std::runtime_error {
 public:
  DuplicateKeyError(std::string path, const std::string& key)
      : std::runtime_error("the key \"" + key + "\" appears twice in one object"), path_(std::move(path)) {}
  // Where, as the loaders name fields: "clients.count", "faults[2].at".
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Throws nlohmann::json::parse_error for invalid JSON, DuplicateKeyError for
// a repeated key.
nlohmann::json parse_strict_json(std::string_view text);

}  // namespace herd
