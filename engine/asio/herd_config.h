#pragma once
// The live herd config: which servers exist, where they listen, who talks to
// whom, where places come from, where logs go, and the resource limits.
// Plain data plus a strict loader; no Asio here, so `herd up`, `herd live`
// and tests can read a config without pulling in the network stack.
// The file format is documented in docs/live.md.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "herd/types.h"

namespace herd::live {

struct ServerConfig {
  std::string name;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;       // client port; 0 = any free port (tests)
  std::uint16_t peer_port = 0;  // peer port; 0 = any free port (tests)
  std::vector<std::string> neighbours;
};

struct PlacesConfig {
  std::string provider = "offline";  // "offline" | "google-legacy" | "google-new"
  std::string base_url;              // override of the Google endpoint (tests)
  std::uint32_t offline_delay_ms = 0;  // artificial delay of the offline provider
  std::uint32_t timeout_ms = 5'000;    // per Google lookup, connect to last byte
  std::string ca_file;                 // extra trusted CA (PEM) for the Google client
};

struct Limits {
  std::size_t max_connections = 1024;              // client connections per server
  std::size_t max_queued_output_bytes = 1 << 20;   // per client connection
  std::size_t max_peer_queued_bytes = 32u << 20;   // per outbound peer link
  std::uint32_t idle_timeout_ms = 300'000;         // client connection with no input
  std::uint32_t handshake_timeout_ms = 5'000;      // peer connect + authentication
  std::uint32_t reconnect_initial_ms = 100;        // first back-off after a drop
  std::uint32_t reconnect_max_ms = 5'000;          // back-off ceiling
  std::size_t max_connections_per_source = 512;    // TEMP until the config branch lands
  std::size_t max_pending_peers = 16;              // TEMP until the config branch lands
  std::uint64_t max_future_skew_ms = 86'400'000;   // TEMP
  std::size_t max_clients = 100'000;               // TEMP
  std::size_t max_client_bytes = 16u << 20;        // TEMP
  // Not configurable: the protocol's line bound (herd::kMaxLineBytes).
  static constexpr std::size_t max_line_bytes = kMaxLineBytes;
};

struct HerdConfig {
  std::string source;  // file the config came from, for messages
  std::vector<ServerConfig> servers;
  PlacesConfig places;
  std::string log_dir;   // empty: no log files
  bool log_lines = true; // log every line in and out (connects/drops always)
  Limits limits;
  std::string secret;    // empty: peers are checked by address only

  const ServerConfig* find(std::string_view name) const;
  std::vector<std::string> names() const;
};

// A bad config: what() is "<file>: <field path>: <reason>".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(const std::string& file, const std::string& field, const std::string& reason)
      : std::runtime_error(file + ": " + field + ": " + reason), field_(field) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// The environment variable that supplies (and overrides) the shared secret.
inline constexpr const char* kSecretEnv = "HERD_SECRET";
// Shortest secret accepted, in bytes: HMAC keys shorter than this are guessable.
inline constexpr std::size_t kMinSecretBytes = 16;

// Parses and validates config text. `source` names it in errors. The secret
// comes from the config's "secret" or, if set, from `env_secret`.
HerdConfig parse_herd_config(std::string_view text, const std::string& source,
                             std::optional<std::string> env_secret = std::nullopt);
// Reads `path` and parses it, taking the secret override from HERD_SECRET.
HerdConfig load_herd_config(const std::string& path);

}  // namespace herd::live
