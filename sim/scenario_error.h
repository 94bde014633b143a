#pragma once
// A mistake in a scenario file: which file, which field (a path such as
// `faults[2].at`), and why. `herd sim` prints what() and exits with 2.
#include <stdexcept>
#include <string>

namespace herd::sim {

class ScenarioError : public std::runtime_error {
 public:
  ScenarioError(std::string file, std::string field, std::string reason)
      : std::runtime_error(file + ": " + (field.empty() ? std::string("(top level)") : field) +
                           ": " + reason),
        file_(std::move(file)), field_(std::move(field)), reason_(std::move(reason)) {}
  const std::string& file() const { return file_; }
  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_, field_, reason_;
};

}  // namespace herd::sim
