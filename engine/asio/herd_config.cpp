#include "engine/asio/herd_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <limits>
#include <set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include "config/field_reader.h"
#include "config/strategy_json.h"
#include "config/strict_json.h"
#include "topology/presets.h"

namespace herd::live {

using nlohmann::json;

const ServerConfig* HerdConfig::find(std::string_view name) const {
  for (const auto& s : servers) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

std::vector<std::string> HerdConfig::names() const {
  std::vector<std::string> out;
  for (const auto& s : servers) out.push_back(s.name);
  return out;
}

namespace {

// Errors are ConfigErrors, worded as herd configs have always been.
[[noreturn]] void raise(const std::string& file, const std::string& field, const std::string& reason) {
  throw ConfigError(file, field.empty() ? "(top level)" : field, reason);
}

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s) {
    if (c <= ' ' || c == 0x7f) return false;  // names go into space-separated AT lines
  }
  return true;
}

std::uint16_t port_of(const FieldReader& r, const json& j, const std::string& path) {
  return static_cast<std::uint16_t>(r.uint(j, path, 0, 65535));
}

void read_servers(const FieldReader& r, const json& arr, HerdConfig& cfg) {
  if (!arr.is_array() || arr.empty()) r.fail("servers", "must be a non-empty array");
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const std::string p = FieldReader::item("servers", i);
    const json& s = r.object(arr[i], p, {"name", "host", "port", "peer_port", "neighbours"});
    ServerConfig sc;
    sc.name = r.string(r.required(s, p, "name"), p + ".name");
    if (s.contains("host")) sc.host = r.string(s["host"], p + ".host");
    if (sc.host.empty()) r.fail(p + ".host", "must not be empty");
    sc.port = port_of(r, r.required(s, p, "port"), p + ".port");
    sc.peer_port = port_of(r, r.required(s, p, "peer_port"), p + ".peer_port");
    if (s.contains("neighbours")) {
      const json& n = s["neighbours"];
      if (!n.is_array()) r.fail(p + ".neighbours", "must be an array of server names");
      for (std::size_t k = 0; k < n.size(); ++k) {
        sc.neighbours.push_back(r.string(n[k], FieldReader::item(p + ".neighbours", k)));
      }
    }
    cfg.servers.push_back(std::move(sc));
  }
}

void read_preset(const FieldReader& r, const json& j, HerdConfig& cfg) {
  const std::string name = r.string(j["preset"], "preset");
  const Preset* preset = find_preset(name);
  if (!preset) r.fail("preset", "unknown preset '" + name + "' (goloman, hill, riley, clark, bailey, alford)");
  if (!j.contains("base_port")) r.fail("base_port", "missing (a preset needs a base port)");
  const auto n = preset->servers.size();
  const auto base = r.uint(j["base_port"], "base_port", 1, 65535 - n + 1);
  std::uint64_t peer_base = base + 1000;
  if (j.contains("peer_base_port")) peer_base = r.uint(j["peer_base_port"], "peer_base_port", 1, 65535 - n + 1);
  if (peer_base + n - 1 > 65535) r.fail("base_port", "the default peer ports (base_port + 1000) exceed 65535");
  std::string host = "127.0.0.1";
  if (j.contains("host")) host = r.string(j["host"], "host");
  for (std::size_t i = 0; i < n; ++i) {
    ServerConfig sc;
    sc.name = preset->servers[i];
    sc.host = host;
    sc.port = static_cast<std::uint16_t>(base + i);
    sc.peer_port = static_cast<std::uint16_t>(peer_base + i);
    for (const auto& [a, b] : preset->links) {
      if (a == sc.name) sc.neighbours.push_back(b);
      if (b == sc.name) sc.neighbours.push_back(a);
    }
    cfg.servers.push_back(std::move(sc));
  }
}

void check_servers(const FieldReader& r, const HerdConfig& cfg) {
  std::set<std::string> names;
  std::set<std::pair<std::string, std::uint16_t>> addresses;
  for (std::size_t i = 0; i < cfg.servers.size(); ++i) {
    const auto& s = cfg.servers[i];
    const std::string p = FieldReader::item("servers", i);
    if (!valid_name(s.name)) r.fail(p + ".name", "must be 1-64 bytes with no white space or control characters");
    if (!names.insert(s.name).second) r.fail(p + ".name", "duplicate server name '" + s.name + "'");
    for (const auto& [port, field] : {std::pair{s.port, "port"}, std::pair{s.peer_port, "peer_port"}}) {
      if (port != 0 && !addresses.insert({s.host, port}).second) {
        r.fail(p + "." + field, s.host + ":" + std::to_string(port) + " is used twice");
      }
    }
  }
  for (std::size_t i = 0; i < cfg.servers.size(); ++i) {
    const auto& s = cfg.servers[i];
    std::set<std::string> seen;
    for (std::size_t k = 0; k < s.neighbours.size(); ++k) {
      const std::string p = FieldReader::item(FieldReader::item("servers", i) + ".neighbours", k);
      const std::string& n = s.neighbours[k];
      const ServerConfig* other = cfg.find(n);
      if (!other) r.fail(p, "no server named '" + n + "'");
      if (n == s.name) r.fail(p, "a server cannot be its own neighbour");
      if (!seen.insert(n).second) r.fail(p, "'" + n + "' is listed twice");
      bool back = false;
      for (const auto& m : other->neighbours) back = back || m == s.name;
      // Links are bidirectional; each side dials its own neighbours and only
      // accepts peers it lists, so a one-sided link could never carry traffic.
      if (!back) r.fail(p, "'" + n + "' does not list '" + s.name + "' back (links are bidirectional)");
    }
  }
}

void read_places(const FieldReader& r, const json& j, PlacesConfig& pc) {
  r.object(j, "places", {"provider", "base_url", "offline_delay_ms", "timeout_ms", "ca_file"});
  if (j.contains("provider")) {
    pc.provider = r.choice(j["provider"], "places.provider", {"offline", "google-legacy", "google-new"});
  }
  if (j.contains("base_url")) pc.base_url = r.string(j["base_url"], "places.base_url");
  if (j.contains("ca_file")) pc.ca_file = r.string(j["ca_file"], "places.ca_file");
  if (j.contains("timeout_ms")) {
    pc.timeout_ms = static_cast<std::uint32_t>(r.uint(j["timeout_ms"], "places.timeout_ms", 100, 60'000));
  }
  if (j.contains("offline_delay_ms")) {
    pc.offline_delay_ms = static_cast<std::uint32_t>(r.uint(j["offline_delay_ms"], "places.offline_delay_ms", 0, 60'000));
  }
}

void read_limits(const FieldReader& r, const json& j, Limits& l) {
  r.object(j, "limits", {"max_connections", "max_queued_output_bytes", "max_peer_queued_bytes",
                         "idle_timeout_ms", "handshake_timeout_ms", "reconnect_initial_ms",
                         "reconnect_max_ms", "max_future_skew_ms", "max_clients", "max_client_bytes",
                         "max_connections_per_source", "max_pending_peers", "log_queue_bytes"});
  auto get = [&](const char* key, auto& field, std::uint64_t lo, std::uint64_t hi) {
    if (j.contains(key)) {
      field = static_cast<std::remove_reference_t<decltype(field)>>(r.uint(j[key], std::string("limits.") + key, lo, hi));
    }
  };
  get("max_connections", l.max_connections, 1, 1'000'000);
  // At least 64 KiB: a WHATSAT reply with 20 places is several KiB, and a
  // client that reads must never be dropped for one reply.
  get("max_queued_output_bytes", l.max_queued_output_bytes, 64 * 1024, 1ull << 32);
  get("max_peer_queued_bytes", l.max_peer_queued_bytes, 64 * 1024, 1ull << 34);
  get("idle_timeout_ms", l.idle_timeout_ms, 1, 86'400'000);
  get("handshake_timeout_ms", l.handshake_timeout_ms, 1, 600'000);
  get("reconnect_initial_ms", l.reconnect_initial_ms, 1, 600'000);
  get("reconnect_max_ms", l.reconnect_max_ms, 1, 3'600'000);
  if (l.reconnect_initial_ms > l.reconnect_max_ms) {
    r.fail("limits.reconnect_initial_ms", "must not exceed limits.reconnect_max_ms");
  }
  // At least a second: client clocks are not synchronised to the millisecond.
  get("max_future_skew_ms", l.max_future_skew_ms, 1'000, 315'360'000'000ull);
  get("max_clients", l.max_clients, 1, 100'000'000);
  get("max_client_bytes", l.max_client_bytes, 4096, 1ull << 36);
  get("max_pending_peers", l.max_pending_peers, 1, 1024);
  get("log_queue_bytes", l.log_queue_bytes, 64 * 1024, 1ull << 32);
  if (j.contains("max_connections_per_source")) {
    get("max_connections_per_source", l.max_connections_per_source, 1, 1'000'000);
    if (l.max_connections_per_source > l.max_connections) {
      r.fail("limits.max_connections_per_source", "must not exceed limits.max_connections (" +
                                                      std::to_string(l.max_connections) + ")");
    }
  } else if (l.max_connections_per_source > l.max_connections) {
    // Someone who only lowered max_connections did not ask for an error
    // about a field they never wrote.
    l.max_connections_per_source = l.max_connections;
  }
}

// `value` if absolute, else relative to the directory of the config file.
std::string beside_config(const std::string& source, const std::string& value) {
  const std::filesystem::path v(value);
  if (v.is_absolute()) return value;
  return (std::filesystem::path(source).parent_path() / v).lexically_normal().string();
}

std::string mode_text(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

std::string generate_secret() {
  std::string s = random_hex(kGeneratedSecretBytes);
  if (s.empty()) throw std::runtime_error("no random bytes for a shared secret (OpenSSL RAND_bytes failed)");
  return s;
}

namespace {

// Makes `path` hold a fresh secret unless another process (or thread) gets
// there first; either way `path` exists afterwards with one complete secret.
// The content is written to a private temp file first and link(2)ed into
// place: link never replaces an existing file, so the first one wins and
// nobody ever reads a half-written secret.
void create_secret_file(const std::string& path, const std::function<void(const std::string&)>& fail) {
  const std::filesystem::path p(path);
  const std::filesystem::path dir = p.parent_path().empty() ? std::filesystem::path(".") : p.parent_path();
  std::string temp = (dir / ("." + p.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());  // mode 0600
  if (fd < 0) fail(std::string("does not exist and cannot be created: ") + std::strerror(errno));
  const std::string secret = random_hex(kGeneratedSecretBytes);
  bool ok = !secret.empty() && ::fchmod(fd, 0600) == 0;
  ok = ok && ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size());
  ok = ok && ::fsync(fd) == 0;
  const int write_errno = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(temp.c_str());
    fail(std::string("cannot be created: ") + (secret.empty() ? "no random bytes" : std::strerror(write_errno)));
  }
  const int linked = ::link(temp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0 && link_errno != EEXIST) fail(std::string("cannot be created: ") + std::strerror(link_errno));
}

// The secret in `path`, or nullopt if there is no such file.
std::optional<std::string> read_secret_file(const std::string& path,
                                            const std::function<void(const std::string&)>& fail) {
  // O_NONBLOCK: a FIFO in its place must not hang the start-up.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail(std::string("cannot be read: ") + std::strerror(errno));
  }
  struct stat st {};
  std::string reason;
  if (::fstat(fd, &st) != 0) {
    reason = std::string("cannot be read: ") + std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    reason = "is not a regular file";
  } else if ((st.st_mode & 07777 & ~mode_t{0600}) != 0) {
    reason = "has mode " + mode_text(st.st_mode) +
             ", so others may read or change the secret; it must be 0600 or stricter: chmod 600 " + path;
  }
  std::string text;
  if (reason.empty()) {
    char buf[4096];
    ssize_t n = 0;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 && text.size() < (1u << 20)) text.append(buf, static_cast<std::size_t>(n));
    if (n < 0) reason = std::string("cannot be read: ") + std::strerror(errno);
  }
  ::close(fd);
  if (!reason.empty()) fail(reason);
  // Editors add a newline; it is not part of the secret.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.size() < kMinSecretBytes) {
    fail("holds " + std::to_string(text.size()) + " bytes; a secret must be at least " +
         std::to_string(kMinSecretBytes) + " bytes");
  }
  return text;
}

// secret_file, peer_auth, secret and $HERD_SECRET.
void read_peer_auth(const FieldReader& r, const json& j, const std::optional<std::string>& env_secret, HerdConfig& cfg) {
  if (j.contains("secret_file")) {
    const std::string f = r.string(j["secret_file"], "secret_file");
    if (f.empty()) r.fail("secret_file", "must not be empty");
    cfg.secret_file = beside_config(r.file(), f);
  }
  if (j.contains("peer_auth")) {
    const bool address = r.choice(j["peer_auth"], "peer_auth", {"hmac", "address"}) == "address";
    cfg.peer_auth = address ? PeerAuth::Address : PeerAuth::Hmac;
  }
  if (j.contains("secret")) cfg.secret = r.string(j["secret"], "secret");
  if (cfg.peer_auth == PeerAuth::Address) {
    // Documented: address mode ignores any secret, so a stale $HERD_SECRET
    // cannot half-enable HMAC.
    cfg.secret.clear();
    return;
  }
  std::string secret_field = "secret";
  if (env_secret && !env_secret->empty()) {
    cfg.secret = *env_secret;
    secret_field = std::string("secret (from $") + kSecretEnv + ")";
  }
  if (!cfg.secret.empty() && cfg.secret.size() < kMinSecretBytes) {
    r.fail(secret_field, "must be at least " + std::to_string(kMinSecretBytes) + " bytes");
  }
}

HerdConfig parse_config(std::string_view text, const std::string& source, std::optional<std::string> env_secret) {
  const FieldReader r(source, FieldReader::Wording::Terse, &raise);
  json j;
  try {
    j = parse_strict_json(text);
  } catch (const JsonPathError& e) {
    r.fail(e.path(), e.what());
  } catch (const JsonSyntaxError& e) {
    r.fail("(json)", e.what());
  }
  r.object(j, "", {"comment", "preset", "host", "base_port", "peer_base_port", "servers", "places",
                   "log_dir", "log_lines", "limits", "secret", "peer_auth", "secret_file", "data_dir",
                   "durability", "log_max_bytes", "log_keep", "strategy"});
  HerdConfig cfg;
  cfg.source = source;
  if (j.contains("preset") == j.contains("servers")) {
    r.fail("servers", "give exactly one of \"servers\" (a list) or \"preset\" (a preset name)");
  }
  if (j.contains("servers")) {
    for (const char* k : {"host", "base_port", "peer_base_port"}) {
      if (j.contains(k)) r.fail(k, "only meaningful with \"preset\"");
    }
    read_servers(r, j["servers"], cfg);
  } else {
    read_preset(r, j, cfg);
  }
  check_servers(r, cfg);
  if (j.contains("strategy")) cfg.strategy = read_strategy(r, j["strategy"], "strategy", kLiveAntiEntropyInterval);
  if (j.contains("places")) read_places(r, j["places"], cfg.places);
  // Directories, like secret_file, are relative to the config's folder: the
  // same config names the same files from wherever herd is started.
  if (j.contains("log_dir")) {
    cfg.log_dir = r.string(j["log_dir"], "log_dir");
    if (!cfg.log_dir.empty()) cfg.log_dir = beside_config(source, cfg.log_dir);
  }
  if (j.contains("log_lines")) cfg.log_lines = r.boolean(j["log_lines"], "log_lines");
  if (j.contains("limits")) read_limits(r, j["limits"], cfg.limits);
  if (j.contains("data_dir")) {
    cfg.data_dir = r.string(j["data_dir"], "data_dir");
    if (cfg.data_dir.empty()) r.fail("data_dir", "must not be empty (leave it out to keep tables in memory)");
    cfg.data_dir = beside_config(source, cfg.data_dir);
  }
  if (j.contains("durability")) {
    const auto d = durable::parse_durability(r.string(j["durability"], "durability"));
    if (!d) r.fail("durability", "must be \"fsync\", \"batch\" or \"off\"");
    cfg.durability = *d;
  }
  if (j.contains("log_max_bytes")) cfg.log_max_bytes = r.uint(j["log_max_bytes"], "log_max_bytes", 4096, 1ull << 40);
  if (j.contains("log_keep")) cfg.log_keep = static_cast<std::uint32_t>(r.uint(j["log_keep"], "log_keep", 1, 100));
  read_peer_auth(r, j, env_secret, cfg);
  return cfg;
}

}  // namespace

HerdConfig parse_herd_config(std::string_view text, const std::string& source,
                             std::optional<std::string> env_secret) {
  try {
    return parse_config(text, source, std::move(env_secret));
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    // A library exception the checks missed: still a bad config (exit 2
    // with the file named), never a crash or "cannot start".
    throw ConfigError(source, "(top level)", std::string("cannot be read as a herd config: ") + e.what());
  }
}

void resolve_secret(HerdConfig& config) {
  if (config.peer_auth != PeerAuth::Hmac || !config.secret.empty()) return;
  const std::string path = config.secret_file;
  const auto fail = [&](const std::string& reason) {
    throw ConfigError(config.source, "secret_file", (path.empty() ? "(none)" : path) + ": " + reason);
  };
  if (path.empty()) fail(std::string("no secret: give \"secret\", $") + kSecretEnv + " or \"secret_file\"");
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auto secret = read_secret_file(path, fail)) {
      config.secret = std::move(*secret);
      return;
    }
    if (attempt == 0) create_secret_file(path, fail);
  }
  fail("vanished right after it was created");
}

HerdConfig load_herd_config(const std::string& path) {
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const FileReadError& e) {
    throw ConfigError(path, "(file)", std::string("cannot be read: ") + e.what());
  }
  std::optional<std::string> env;
  if (const char* s = std::getenv(kSecretEnv)) env = s;
  HerdConfig cfg = parse_herd_config(text, path, env);
  if (cfg.secret_file.empty()) cfg.secret_file = std::filesystem::path(path).replace_extension(".secret").string();
  resolve_secret(cfg);
  return cfg;
}

}  // namespace herd::live
