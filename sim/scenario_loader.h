#pragma once
// Reads and validates scenario files (format: docs/scenarios.md). Every
// mistake throws ScenarioError naming the file, the field path and the
// reason; unknown fields are mistakes too (they are usually typos).
#include <string>
#include <vector>

#include "sim/scenario.h"
#include "sim/scenario_error.h"

namespace herd::sim {

// One Scenario per sweep point (just one without a sweep), in grid order:
// the sweep's parameters sorted by path, the last varying fastest.
// `path` "-" reads standard input (named "<stdin>" in errors).
std::vector<Scenario> load_scenario_file(const std::string& path);

// The same from text; `file` names it in errors.
std::vector<Scenario> parse_scenario_text(const std::string& text, const std::string& file);

}  // namespace herd::sim
