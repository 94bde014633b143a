#pragma once
// Google Places over HTTP(S): Boost.Beast over OpenSSL, with certificate
// verification and SNI, keep-alive reuse of connections, a deadline per
// lookup, a bound on lookups in flight and on lookups waiting, and a bounded
// retry of 5xx answers and of reused connections the server had closed.
// The Asio and Beast headers stay in the .cpp.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/places/google_api.h"
#include "engine/places/places_provider.h"

namespace boost::asio {
class io_context;
}

namespace herd::places {

struct HttpProviderConfig {
  GoogleApi api = GoogleApi::Legacy;
  std::string base_url;     // empty: Google's own for `api`
  std::string api_key;      // never logged
  std::chrono::milliseconds timeout{5000};  // per lookup, connect to last byte
  std::size_t max_in_flight = 8;   // concurrent requests (and idle connections kept)
  std::size_t max_queued = 1024;   // lookups waiting for a slot; beyond: fail at once
  int retries = 1;                 // extra attempts after a 5xx or a transport error
  std::string ca_file;             // extra trusted CA certificate (PEM), e.g. for tests
};

class HttpPlacesProvider final : public PlacesProvider {
 public:
  // Throws std::invalid_argument naming the problem for a bad base URL or CA file.
  HttpPlacesProvider(boost::asio::io_context& io, HttpProviderConfig config);
  ~HttpPlacesProvider() override;

  void lookup(const PlacesQuery& q, Done done) override;

  struct Stats {
    std::uint64_t connections_opened = 0;
    std::uint64_t requests_sent = 0;
    std::uint64_t failures = 0;
    std::size_t max_in_flight_seen = 0;
  };
  Stats stats() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace herd::places
