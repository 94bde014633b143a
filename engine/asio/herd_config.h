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

#include "config/field_error.h"
#include "engine/durable/durability.h"
#include "herd/strategy_spec.h"
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
  std::uint64_t max_future_skew_ms = 86'400'000;   // IAMAT client time further ahead is refused
  std::size_t max_clients = 100'000;               // distinct client IDs a server stores
  std::size_t max_client_bytes = 16u << 20;        // total bytes of those client IDs
  std::size_t max_connections_per_source = 512;    // client connections from one IP address
  std::size_t max_pending_peers = 16;              // peer connections not yet authenticated
  std::size_t log_queue_bytes = 8u << 20;          // server thread -> log writer queue bound
  // Not configurable: the protocol's line bound (herd::kMaxLineBytes).
  static constexpr std::size_t max_line_bytes = kMaxLineBytes;
};

// How a server checks that a peer connection comes from the server it claims.
enum class PeerAuth {
  Hmac,     // both sides prove the shared secret (HMAC-SHA256 over nonces)
  Address,  // only the configured address counts; any secret is ignored
};

// How hard a server's durable table (data_dir) pushes writes to the disk.
using durable::Durability;

// A live herd heals by default: flooding with push-pull anti-entropy on
// every peer-up and about once a second per neighbour (an equal table costs
// one ~40-byte line per round), so a restarted or reconnected server
// catches up within a round. `"anti_entropy": "off"` turns it off.
inline constexpr Nanos kLiveAntiEntropyInterval = kNanosPerSecond;

struct HerdConfig {
  using PeerAuth = live::PeerAuth;
  using Durability = live::Durability;

  std::string source;  // file the config came from, for messages
  std::vector<ServerConfig> servers;
  PlacesConfig places;
  std::string log_dir;   // empty: no log files
  bool log_lines = true; // log every line in and out (connects/drops always)
  Limits limits;
  // How each server propagates new reports (default: flooding with anti-entropy).
  StrategySpec strategy{StrategySpec::Kind::Flooding, StrategySpec::kDefaultFanout, kLiveAntiEntropyInterval};
  PeerAuth peer_auth = PeerAuth::Hmac;
  // Hmac: the shared secret (from "secret", $HERD_SECRET or secret_file).
  // Empty after parse_herd_config without either: the server refuses to start.
  // Address: always empty.
  std::string secret;
  // The file the secret is read from (created on first use) when neither
  // "secret" nor $HERD_SECRET gives one. load_herd_config fills in the
  // default (the config path with extension ".secret"); a relative value is
  // relative to the config file's directory.
  std::string secret_file;
  std::string data_dir;  // empty: tables in memory only; else <data_dir>/<name>.sqlite
  Durability durability = Durability::Batch;
  std::uint64_t log_max_bytes = 64ull << 20;  // a server's log is rotated at this size
  std::uint32_t log_keep = 4;                 // rotated logs kept: <name>.log.1 .. .N

  const ServerConfig* find(std::string_view name) const;
  std::vector<std::string> names() const;
};

// A bad config: what() is "<file>: <field path>: <reason>".
class ConfigError : public FieldError {
 public:
  ConfigError(const std::string& file, const std::string& field, const std::string& reason)
      : FieldError(file, field, reason) {}
};

// The environment variable that supplies (and overrides) the shared secret.
inline constexpr const char* kSecretEnv = "HERD_SECRET";
// Shortest secret accepted, in bytes: HMAC keys shorter than this are guessable.
inline constexpr std::size_t kMinSecretBytes = 16;

// Bytes of a secret file made by resolve_secret (written as twice as many
// hex digits).
inline constexpr std::size_t kGeneratedSecretBytes = 32;
// A fresh random secret (kGeneratedSecretBytes from OpenSSL's CSPRNG, in
// hex), for secret files and for herds started in-process (herd live,
// herd_live_bench). Throws std::runtime_error if no random bytes are available.
std::string generate_secret();

// Parses and validates config text. `source` names it in errors and is the
// base of a relative "secret_file". The secret comes from the config's
// "secret" or, if set, from `env_secret`; no file is read or written.
HerdConfig parse_herd_config(std::string_view text, const std::string& source,
                             std::optional<std::string> env_secret = std::nullopt);

// With peer_auth Hmac and no secret yet, reads config.secret from
// config.secret_file, first creating that file with a random secret if it
// does not exist. Creation is atomic (a 0600 temp file link(2)ed into
// place), so servers started at the same moment agree on one secret. Throws
// ConfigError (field "secret_file") for a file that is not a regular file,
// that group or others may access (mode must be 0600 or stricter), that
// holds fewer than kMinSecretBytes, or that cannot be read or created.
void resolve_secret(HerdConfig& config);

// Reads `path` and parses it, taking the secret override from HERD_SECRET,
// fills in the default secret_file and calls resolve_secret.
HerdConfig load_herd_config(const std::string& path);

}  // namespace herd::live
