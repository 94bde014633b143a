#pragma once
// A mistake in a file people write: which file, which field (a path such as
// `faults[2].at` or `servers[0].port`, empty for the whole document) and
// why. what() is "<file>: <field or (top level)>: <reason>". The scenario
// loader throws it as sim::ScenarioError, the herd config loader as
// live::ConfigError; both are read by one FieldReader (field_reader.h).
#include <stdexcept>
#include <string>

namespace herd {

class FieldError : public std::runtime_error {
 public:
  FieldError(std::string file, std::string field, std::string reason)
      : std::runtime_error(file + ": " + (field.empty() ? std::string("(top level)") : field) + ": " + reason),
        file_(std::move(file)), field_(std::move(field)), reason_(std::move(reason)) {}
  const std::string& file() const { return file_; }
  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_, field_, reason_;
};

}  // namespace herd
