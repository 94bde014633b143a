// Every ```json example in docs/scenarios.md, and every shipped scenario,
// must load (and the examples marked as mistakes must fail as documented).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/scenario_loader.h"

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("every scenario example in docs/scenarios.md parses") {
  const std::string doc = read(std::filesystem::path(HERD_SOURCE_DIR) / "docs" / "scenarios.md");
  REQUIRE(!doc.empty());
  std::size_t examples = 0, pos = 0;
  while ((pos = doc.find("```json\n", pos)) != std::string::npos) {
    const std::size_t start = pos + 8, end = doc.find("```", start);
    REQUIRE(end != std::string::npos);
    const std::string text = doc.substr(start, end - start);
    INFO("example " << examples + 1 << ":\n" << text);
    CHECK_NOTHROW(herd::sim::parse_scenario_text(text, "docs/scenarios.md example"));
    ++examples;
    pos = end + 3;
  }
  CHECK(examples >= 5);
}

TEST_CASE("every shipped scenario in scenarios/ loads") {
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(HERD_SOURCE_DIR) / "scenarios")) {
    if (e.path().extension() != ".json") continue;
    INFO(e.path());
    CHECK_NOTHROW(herd::sim::load_scenario_file(e.path().string()));
    ++files;
  }
  CHECK(files >= 11);
}
