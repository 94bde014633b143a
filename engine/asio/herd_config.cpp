#include "engine/asio/herd_config.h"

#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "herd/presets.h"
#include "herd/strict_json.h"

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

// Walks the JSON with the current field path, so every error can name it.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& reason) const {
    throw ConfigError(source_, field.empty() ? "(top level)" : field, reason);
  }

  void only_keys(const json& obj, const std::string& path, std::initializer_list<const char*> keys) const {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      bool known = false;
      for (const char* k : keys) known = known || it.key() == k;
      if (!known) fail(join(path, it.key()), "unknown field (typo?)");
    }
  }

  const json& object(const json& j, const std::string& path) const {
    if (!j.is_object()) fail(path, "must be an object");
    return j;
  }

  std::string string(const json& j, const std::string& path) const {
    if (!j.is_string()) fail(path, "must be a string");
    return j.get<std::string>();
  }

  std::uint64_t integer(const json& j, const std::string& path, std::uint64_t lo, std::uint64_t hi) const {
    if (!j.is_number_integer()) fail(path, "must be an integer");
    if (j.is_number_unsigned() || j.get<std::int64_t>() >= 0) {
      const auto v = j.get<std::uint64_t>();
      if (v >= lo && v <= hi) return v;
    }
    fail(path, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string index(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
  }

 private:
  std::string source_;
};

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s) {
    if (c <= ' ' || c == 0x7f) return false;  // names go into space-separated AT lines
  }
  return true;
}

std::uint16_t port_of(const Reader& r, const json& j, const std::string& path) {
  return static_cast<std::uint16_t>(r.integer(j, path, 0, 65535));
}

void read_servers(const Reader& r, const json& arr, HerdConfig& cfg) {
  if (!arr.is_array() || arr.empty()) r.fail("servers", "must be a non-empty array");
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const std::string p = Reader::index("servers", i);
    const json& s = r.object(arr[i], p);
    r.only_keys(s, p, {"name", "host", "port", "peer_port", "neighbours"});
    ServerConfig sc;
    if (!s.contains("name")) r.fail(p + ".name", "missing");
    sc.name = r.string(s["name"], p + ".name");
    if (s.contains("host")) sc.host = r.string(s["host"], p + ".host");
    if (sc.host.empty()) r.fail(p + ".host", "must not be empty");
    if (!s.contains("port")) r.fail(p + ".port", "missing");
    sc.port = port_of(r, s["port"], p + ".port");
    if (!s.contains("peer_port")) r.fail(p + ".peer_port", "missing");
    sc.peer_port = port_of(r, s["peer_port"], p + ".peer_port");
    if (s.contains("neighbours")) {
      const json& n = s["neighbours"];
      if (!n.is_array()) r.fail(p + ".neighbours", "must be an array of server names");
      for (std::size_t k = 0; k < n.size(); ++k) {
        sc.neighbours.push_back(r.string(n[k], Reader::index(p + ".neighbours", k)));
      }
    }
    cfg.servers.push_back(std::move(sc));
  }
}

void read_preset(const Reader& r, const json& j, HerdConfig& cfg) {
  const std::string name = r.string(j["preset"], "preset");
  const Preset* preset = find_preset(name);
  if (!preset) r.fail("preset", "unknown preset '" + name + "' (goloman, hill, riley, clark, bailey, alford)");
  if (!j.contains("base_port")) r.fail("base_port", "missing (a preset needs a base port)");
  const auto n = preset->servers.size();
  const auto base = r.integer(j["base_port"], "base_port", 1, 65535 - n + 1);
  std::uint64_t peer_base = base + 1000;
  if (j.contains("peer_base_port")) peer_base = r.integer(j["peer_base_port"], "peer_base_port", 1, 65535 - n + 1);
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

void check_servers(const Reader& r, const HerdConfig& cfg) {
  std::set<std::string> names;
  std::set<std::pair<std::string, std::uint16_t>> addresses;
  for (std::size_t i = 0; i < cfg.servers.size(); ++i) {
    const auto& s = cfg.servers[i];
    const std::string p = Reader::index("servers", i);
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
      const std::string p = Reader::index(Reader::index("servers", i) + ".neighbours", k);
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

void read_places(const Reader& r, const json& j, PlacesConfig& pc) {
  r.object(j, "places");
  r.only_keys(j, "places", {"provider", "base_url", "offline_delay_ms", "timeout_ms", "ca_file"});
  if (j.contains("provider")) {
    pc.provider = r.string(j["provider"], "places.provider");
    if (pc.provider != "offline" && pc.provider != "google-legacy" && pc.provider != "google-new") {
      r.fail("places.provider", "must be \"offline\", \"google-legacy\" or \"google-new\"");
    }
  }
  if (j.contains("base_url")) pc.base_url = r.string(j["base_url"], "places.base_url");
  if (j.contains("ca_file")) pc.ca_file = r.string(j["ca_file"], "places.ca_file");
  if (j.contains("timeout_ms")) {
    pc.timeout_ms = static_cast<std::uint32_t>(r.integer(j["timeout_ms"], "places.timeout_ms", 100, 60'000));
  }
  if (j.contains("offline_delay_ms")) {
    pc.offline_delay_ms = static_cast<std::uint32_t>(r.integer(j["offline_delay_ms"], "places.offline_delay_ms", 0, 60'000));
  }
}

void read_limits(const Reader& r, const json& j, Limits& l) {
  r.object(j, "limits");
  r.only_keys(j, "limits", {"max_connections", "max_queued_output_bytes", "max_peer_queued_bytes",
                            "idle_timeout_ms", "handshake_timeout_ms", "reconnect_initial_ms",
                            "reconnect_max_ms"});
  auto get = [&](const char* key, auto& field, std::uint64_t lo, std::uint64_t hi) {
    if (j.contains(key)) {
      field = static_cast<std::remove_reference_t<decltype(field)>>(r.integer(j[key], std::string("limits.") + key, lo, hi));
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
}

}  // namespace

HerdConfig parse_herd_config(std::string_view text, const std::string& source,
                             std::optional<std::string> env_secret) {
  const Reader r(source);
  json j;
  try {
    j = parse_strict_json(text);
  } catch (const JsonPathError& e) {
    r.fail(e.path(), e.what());
  } catch (const JsonSyntaxError& e) {
    r.fail("(json)", e.what());
  }
  r.object(j, "");
  r.only_keys(j, "", {"comment", "preset", "host", "base_port", "peer_base_port", "servers", "places",
                      "log_dir", "log_lines", "limits", "secret"});
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
  if (j.contains("places")) read_places(r, j["places"], cfg.places);
  if (j.contains("log_dir")) cfg.log_dir = r.string(j["log_dir"], "log_dir");
  if (j.contains("log_lines")) {
    if (!j["log_lines"].is_boolean()) r.fail("log_lines", "must be true or false");
    cfg.log_lines = j["log_lines"].get<bool>();
  }
  if (j.contains("limits")) read_limits(r, j["limits"], cfg.limits);
  if (j.contains("secret")) cfg.secret = r.string(j["secret"], "secret");
  std::string secret_field = "secret";
  if (env_secret && !env_secret->empty()) {
    cfg.secret = *env_secret;
    secret_field = std::string("secret (from $") + kSecretEnv + ")";
  }
  if (!cfg.secret.empty() && cfg.secret.size() < kMinSecretBytes) {
    r.fail(secret_field, "must be at least " + std::to_string(kMinSecretBytes) + " bytes");
  }
  return cfg;
}

HerdConfig load_herd_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "(file)", "cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  std::optional<std::string> env;
  if (const char* s = std::getenv(kSecretEnv)) env = s;
  return parse_herd_config(text.str(), path, env);
}

}  // namespace herd::live
