#include "herd/strict_json.h"

#include <set>
#include <vector>

namespace herd {

nlohmann::json parse_strict_json(std::string_view text) {
  using json = nlohmann::json;
  struct Frame {
    bool array = false;
    long index = -1;              // array: the element being read
    std::string key;              // object: the key being read
    std::set<std::string> keys;   // object: keys seen so far
  };
  std::vector<Frame> stack;
  auto element_starts = [&] {
    if (!stack.empty() && stack.back().array) ++stack.back().index;
  };
  auto path_to = [&](const std::string& key) {
    std::string p;
    for (std::size_t i = 0; i + 1 < stack.size(); ++i) {
      if (stack[i].array) {
        p += "[" + std::to_string(stack[i].index) + "]";
      } else {
        p += (p.empty() ? "" : ".") + stack[i].key;
      }
    }
    return p + (p.empty() ? "" : ".") + key;
  };
  json::parser_callback_t check = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        element_starts();
        stack.push_back({});
        break;
      case json::parse_event_t::array_start:
        element_starts();
        stack.emplace_back();
        stack.back().array = true;
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        stack.pop_back();
        break;
      case json::parse_event_t::key: {
        Frame& f = stack.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second) throw DuplicateKeyError(path_to(f.key), f.key);
        break;
      }
      case json::parse_event_t::value:
        element_starts();
        break;
    }
    return true;
  };
  return json::parse(text, check);
}

}  // namespace herd
