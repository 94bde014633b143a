#pragma once
// The offline places provider for live mode: deterministic synthetic places
// (herd::offline_places), answered on the io_context, never from inside
// lookup(). An optional artificial delay makes it behave like a slow remote
// service (tests use it to check reply order across a slow lookup).
// Light header: io_context is only forward-declared.
#include <chrono>

#include "engine/places/places_provider.h"

namespace boost::asio {
class io_context;
}

namespace herd::places {

class OfflineProvider final : public PlacesProvider {
 public:
  explicit OfflineProvider(boost::asio::io_context& io,
                           std::chrono::milliseconds delay = std::chrono::milliseconds(0));
  void lookup(const PlacesQuery& q, Done done) override;

 private:
  boost::asio::io_context& io_;
  std::chrono::milliseconds delay_;
};

}  // namespace herd::places
