// make_places_provider (declared in live_server.h): the places provider a
// live server uses unless ServerOptions::places gives another.
#include <cstdlib>
#include <iostream>

#include "engine/asio/live_server.h"
#include "engine/places/google_api.h"
#include "engine/places/http_places_provider.h"
#include "engine/places/offline_provider.h"

namespace herd::live {

namespace asio = boost::asio;

std::unique_ptr<places::PlacesProvider> make_places_provider(asio::io_context& io, const HerdConfig& config) {
  const auto delay = std::chrono::milliseconds(config.places.offline_delay_ms);
  if (config.places.provider == "offline") return std::make_unique<places::OfflineProvider>(io, delay);
  const char* key = std::getenv(places::kApiKeyEnv);
  if (!key || !*key) {
    // The herd must work out of the box: no key means synthetic places, said openly.
    std::cerr << "herd: warning: places.provider is \"" << config.places.provider << "\" but "
              << places::kApiKeyEnv << " is not set; using the offline provider\n";
    return std::make_unique<places::OfflineProvider>(io, delay);
  }
  places::HttpProviderConfig hc;
  hc.api = config.places.provider == "google-new" ? places::GoogleApi::New : places::GoogleApi::Legacy;
  hc.base_url = config.places.base_url;
  hc.api_key = key;
  hc.timeout = std::chrono::milliseconds(config.places.timeout_ms);
  hc.ca_file = config.places.ca_file;
  try {
    return std::make_unique<places::HttpPlacesProvider>(io, std::move(hc));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(config.source + ": places: " + e.what());
  }
}

}  // namespace herd::live
