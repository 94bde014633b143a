#pragma once
// The classic five-server herds of docs/protocol.md, as names and undirected links.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herd {

struct Preset {
  std::string name;
  std::vector<std::string> servers;  // in the order docs/protocol.md lists them
  std::vector<std::pair<std::string, std::string>> links;
};

const std::vector<Preset>& presets();
const Preset* find_preset(std::string_view name);

}  // namespace herd
