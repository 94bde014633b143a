#pragma once
// A mistake in a scenario file: which file, which field (a path such as
// `faults[2].at`), and why. `herd sim` prints what() and exits with 2.
#include <string>

#include "config/field_error.h"

namespace herd::sim {

class ScenarioError : public FieldError {
 public:
  ScenarioError(std::string file, std::string field, std::string reason)
      : FieldError(std::move(file), std::move(field), std::move(reason)) {}
};

}  // namespace herd::sim
