#pragma once
// The body of a WHATSAT reply, built from what the places service returned.
#include <string>

#include "herd/places.h"

namespace herd {

// Returns the places JSON for a WHATSAT reply: Google's legacy Nearby Search
// object with `results` cut to `bound`, pretty-printed like Google (keys in
// order, three-space indent), every run of newlines squeezed to one and
// trailing newlines removed. A failed lookup, or a body that is not a JSON
// object, becomes {"error_message": ..., "html_attributions": [],
// "results": [], "status": ...} so the client always gets an answer. A
// result already rendered for this bound (PlacesResult::rendered_for_bound)
// is returned as it is.
std::string places_reply_body(const PlacesResult& result, int bound);

// The whole reply: "<AT line>\n<body>\n\n".
std::string whatsat_reply(const std::string& at_line, const PlacesResult& result, int bound);

}  // namespace herd
