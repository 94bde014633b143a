#pragma once
// Where a live server gets places for WHATSAT. One interface, three
// providers: Google's legacy Nearby Search, Google Places API (New)
// searchNearby (converted to the legacy shape), and the offline provider.
// Light header on purpose: no Asio or Beast here, so it can be included
// widely. Implementations run on the io_context they were created with.
#include <functional>
#include <memory>

#include "herd/places.h"

namespace herd::places {

class PlacesProvider {
 public:
  using Done = std::function<void(PlacesResult)>;
  virtual ~PlacesProvider() = default;
  // Starts one lookup. `done` is called exactly once, on the provider's
  // executor, never from inside lookup() itself, whether the lookup
  // succeeded, failed or timed out.
  virtual void lookup(const PlacesQuery& q, Done done) = 0;
};

}  // namespace herd::places
