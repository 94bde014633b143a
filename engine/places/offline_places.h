#pragma once
// Deterministic synthetic places in Google's legacy Nearby Search shape: the
// default provider when no API key is set, and the simulator's places model.
// Same query => byte-identical JSON, on any machine.
#include <string>

#include "herd/places.h"

namespace herd {

// The whole document: 20 places scattered within the query radius, with
// names, ids, ratings and types derived from a hash of the query, printed as
// nlohmann::json::dump(3) prints it (sorted keys, three-space indent).
std::string offline_places_json(const PlacesQuery& q);

// The lookup's result, already the WHATSAT reply body for q.max_results:
// the document above cut to that many places, exactly as places_reply_body
// would print it (result.rendered_for_bound says so). A read then costs one
// rendering of the places it returns, not a print, a parse and a re-print.
PlacesResult offline_places(const PlacesQuery& q);

}  // namespace herd
