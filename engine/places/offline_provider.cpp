#include "engine/places/offline_provider.h"

#include <memory>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/places/offline_places.h"

namespace herd::places {

OfflineProvider::OfflineProvider(boost::asio::io_context& io, std::chrono::milliseconds delay)
    : io_(io), delay_(delay) {}

void OfflineProvider::lookup(const PlacesQuery& q, Done done) {
  if (delay_.count() == 0) {
    // Posted, not called: `done` must never run inside lookup().
    boost::asio::post(io_, [q, done = std::move(done)]() { done(offline_places(q)); });
    return;
  }
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, delay_);
  timer->async_wait([timer, q, done = std::move(done)](const boost::system::error_code&) {
    // Even if the timer was cancelled (shutdown), `done` runs exactly once.
    done(offline_places(q));
  });
}

}  // namespace herd::places
