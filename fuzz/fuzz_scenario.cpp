// Arbitrary text into the scenario loader (sim/scenario_loader.h). Property:
// a scenario either loads or is refused with a ScenarioError naming file,
// field and reason; any other exception escapes and libFuzzer reports it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sim/scenario_error.h"
#include "sim/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto scenarios = herd::sim::parse_scenario_text(text, "fuzz.json");
    if (scenarios.empty()) {
      __builtin_printf("fuzz_scenario: a scenario file loaded to no runs\n");
      std::abort();
    }
  } catch (const herd::sim::ScenarioError& e) {
    if (e.file() != "fuzz.json" || e.reason().empty()) {
      __builtin_printf("fuzz_scenario: error without file or reason: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
