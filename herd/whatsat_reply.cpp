#include "herd/whatsat_reply.h"

#include <nlohmann/json.hpp>

namespace herd {
namespace {

std::string squeeze_newlines(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\n' && !out.empty() && out.back() == '\n') continue;
    out += c;
  }
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// ordered_json: the provider's key order is kept as it sent it (Google's
// own, for google-legacy); our error body lists its keys alphabetically.
using Json = nlohmann::ordered_json;

Json error_body(const std::string& status, const std::string& message) {
  return Json{{"error_message", message},
              {"html_attributions", Json::array()},
              {"results", Json::array()},
              {"status", status.empty() ? "UNKNOWN_ERROR" : status}};
}

}  // namespace

std::string places_reply_body(const PlacesResult& result, int bound) {
  if (result.ok && result.rendered_for_bound == bound) return result.body;
  Json body;
  if (!result.ok) {
    body = error_body(result.status, result.error_message);
  } else {
    body = Json::parse(result.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) {
      body = error_body("UNKNOWN_ERROR", "places service returned a body that is not a JSON object");
    } else if (auto it = body.find("results"); it != body.end() && it->is_array() &&
                                               it->size() > static_cast<std::size_t>(bound)) {
      it->erase(it->begin() + bound, it->end());
    }
  }
  return squeeze_newlines(body.dump(3, ' ', /*ensure_ascii=*/false,
                                    Json::error_handler_t::replace));
}

std::string whatsat_reply(const std::string& at_line, const PlacesResult& result, int bound) {
  const bool rendered = result.ok && result.rendered_for_bound == bound;
  std::string out;
  out.reserve(at_line.size() + (rendered ? result.body.size() : 0) + 3);
  out += at_line;
  out += '\n';
  if (rendered) {
    out += result.body;  // no temporary copy of a body that may be 20 KB
  } else {
    out += places_reply_body(result, bound);
  }
  out += "\n\n";
  return out;
}

}  // namespace herd
