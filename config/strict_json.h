#pragma once
// JSON parsing for files people write (scenarios, herd configs): as
// nlohmann::json::parse, but an object with the same key twice is an error.
// nlohmann keeps the last value silently, so `"seed": 1, ..., "seed": 2`
// would run seed 2 without a word.
//
// Every failure is one of the two exceptions below, never one of nlohmann's:
// their messages ("[json.exception.parse_error.101] ...") are for library
// authors, and an uncaught out_of_range (a number such as 1e400) aborted
// `herd sim --check`.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace herd {

// A well-formed document with a bad value at a known place.
class JsonPathError : public std::runtime_error {
 public:
  JsonPathError(std::string path, const std::string& reason)
      : std::runtime_error(reason), path_(std::move(path)) {}
  // Where, as the loaders name fields: "clients.count", "faults[2].at";
  // empty for the top-level value.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class DuplicateKeyError : public JsonPathError {
 public:
  DuplicateKeyError(std::string path, const std::string& key)
      : JsonPathError(std::move(path), "the key \"" + key + "\" appears twice in one object") {}
};

// Text that is not JSON. what() is "not valid JSON at line L, column C: why".
class JsonSyntaxError : public std::runtime_error {
 public:
  JsonSyntaxError(std::size_t line, std::size_t column, const std::string& reason)
      : std::runtime_error("not valid JSON at line " + std::to_string(line) + ", column " +
                           std::to_string(column) + ": " + reason),
        line_(line), column_(column) {}
  std::size_t line() const { return line_; }
  std::size_t column() const { return column_; }

 private:
  std::size_t line_, column_;
};

// A file that cannot be read; what() is the system's reason
// ("No such file or directory", "Is a directory").
class FileReadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The whole content of `path`, or FileReadError.
std::string read_text_file(const std::string& path);

// Throws JsonSyntaxError for invalid JSON, DuplicateKeyError for a repeated
// key, JsonPathError for a number too large for a double (naming its field).
nlohmann::json parse_strict_json(std::string_view text);

}  // namespace herd
