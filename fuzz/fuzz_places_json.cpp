// Arbitrary bytes as a places service's reply body, made into a WHATSAT
// reply (herd/whatsat_reply.h) through both Google API adapters
// (engine/places/google_api.h). Property: whatever came back, the client
// gets a JSON object with at most `bound` results and no empty line inside
// (an empty line ends a WHATSAT reply on the wire).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/places/google_api.h"
#include "herd/whatsat_reply.h"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    __builtin_printf("fuzz_places_json: %s\n", what);
    std::abort();
  }
}

void check_body(const std::string& body, int bound) {
  check(body.find("\n\n") == std::string::npos, "empty line inside a reply body");
  check(body.empty() || body.back() != '\n', "reply body ends with a newline");
  const auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  check(j.is_object(), "reply body is not a JSON object");
  const auto results = j.find("results");
  if (results != j.end() && results->is_array()) {
    check(results->size() <= static_cast<std::size_t>(bound), "more results than the bound");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int bound = data[0] % 21;  // WHATSAT's bound is 0..20
  const std::string body(reinterpret_cast<const char*>(data + 1), size - 1);
  herd::PlacesResult direct;
  direct.ok = true;
  direct.body = body;
  check_body(herd::places_reply_body(direct, bound), bound);
  check_body(herd::places_reply_body(herd::places::legacy_response(200, body), bound), bound);
  check_body(herd::places_reply_body(herd::places::new_response(200, body), bound), bound);
  return 0;
}
