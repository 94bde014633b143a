#pragma once
// Deterministic synthetic places in Google's legacy Nearby Search shape: the
// default provider when no API key is set, and the simulator's places model.
// Same query => byte-identical JSON, on any machine.
#include <string>

#include "herd/places.h"

namespace herd {

// Up to 20 places scattered within the query radius, with names, ids,
// ratings and types derived from a hash of the query.
std::string offline_places_json(const PlacesQuery& q);
PlacesResult offline_places(const PlacesQuery& q);

}  // namespace herd
