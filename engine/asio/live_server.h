#pragma once
// One live herd server: a herd::Node driven by Boost.Asio over TCP. This
// header is deliberately light (pimpl): no Asio, so apps and tests that only
// start and stop servers do not compile the network stack.
//
// Threading: each LiveServer owns one io_context run by exactly one thread
// (Report reference counts are not thread-safe). Its public methods may be
// called from any other thread; status() must not be called from the
// server's own thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/asio/herd_config.h"

namespace boost::asio {
class io_context;
}

namespace herd {
class NodeObserver;
}

namespace herd::places {
class PlacesProvider;
}

namespace herd::live {

// Builds the places provider a server uses, on that server's io_context.
using PlacesFactory =
    std::function<std::unique_ptr<places::PlacesProvider>(boost::asio::io_context&, const HerdConfig&)>;

struct ServerOptions {
  // Default: make_places_provider (offline, or Google when built in).
  PlacesFactory places;
  // Called on the server's thread for every node event (bench, tests).
  NodeObserver* observer = nullptr;
  // Print the one-line startup banner on stderr.
  bool banner = true;
};

struct ServerStatus {
  std::size_t client_connections = 0;
  std::vector<std::string> peers_up;       // outbound links authenticated, sorted
  std::vector<std::string> peers_inbound;  // inbound links authenticated, sorted
  std::size_t reports = 0;                 // clients with a stored report
  std::uint64_t refused_peers = 0;         // failed peer handshakes so far
};

class LiveServer {
 public:
  // Binds the client and peer listeners (so ports are known at once) but
  // starts nothing. Throws std::runtime_error naming the address on failure.
  LiveServer(const HerdConfig& config, const std::string& name, ServerOptions options = {});
  ~LiveServer();  // stops and joins
  LiveServer(const LiveServer&) = delete;
  LiveServer& operator=(const LiveServer&) = delete;

  std::uint16_t client_port() const;
  std::uint16_t peer_port() const;
  const std::string& log_path() const;

  // Where to dial neighbour `name` (overrides the config; for tests whose
  // servers listen on ephemeral ports). Only before start()/run().
  void set_peer_address(const std::string& name, const std::string& host, std::uint16_t peer_port);

  // Runs the server on the calling thread until stop() (or, with
  // `stop_on_signals`, SIGINT/SIGTERM).
  void run(bool stop_on_signals = false);
  // Runs the server on a thread of its own.
  void start();
  // Closes every socket and stops; safe from any thread, idempotent. After
  // stop() the ports are free again.
  void stop();

  // Fault injection (herd live, tests): cuts the link to `neighbour` — it
  // goes down now, this server stops dialing it and refuses its handshakes —
  // or restores it (dialing resumes at once). Waits until applied; the server
  // must be running. Throws std::invalid_argument for a non-neighbour.
  void set_link_cut(const std::string& neighbour, bool cut);

  ServerStatus status();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The default places factory: "offline" always works; "google-legacy" and
// "google-new" call Google (or places.base_url) over HTTP(S) with the key from
// $GOOGLE_MAPS_API_KEY, and fall back to offline (with a warning) when no key
// is set. Throws std::runtime_error for a bad base URL or CA file.
std::unique_ptr<places::PlacesProvider> make_places_provider(boost::asio::io_context& io,
                                                              const HerdConfig& config);

}  // namespace herd::live
