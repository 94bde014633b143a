#include "engine/asio/peer_wire.h"

#include <vector>

namespace herd::live::wire {

namespace {

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const auto sp = line.find(' ', start);
    out.push_back(line.substr(start, sp - start));
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  return out;
}

bool hex_of(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool name_ok(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

bool proof_ok(std::string_view s) { return s == "-" || hex_of(s, 64); }

}  // namespace

std::string hello(std::string_view dialer, std::string_view nonce, int version) {
  return "HERD-HELLO " + std::to_string(version) + " " + std::string(dialer) + " " + std::string(nonce) + "\n";
}

std::string challenge(std::string_view acceptor, std::string_view nonce, std::string_view proof) {
  return "HERD-CHALLENGE " + std::string(acceptor) + " " + std::string(nonce) + " " + std::string(proof) + "\n";
}

std::string auth(std::string_view proof) { return "HERD-AUTH " + std::string(proof) + "\n"; }

std::string denied(std::string_view reason) { return std::string(kDenied) + " " + std::string(reason) + "\n"; }

bool parse_hello(std::string_view line, Hello& out) {
  const auto f = split(line);
  if (f.size() != 4 || f[0] != "HERD-HELLO" || f[1].size() != 1 || f[1][0] < '0' + kMinVersion ||
      f[1][0] > '0' + kVersion || !name_ok(f[2]) || !hex_of(f[3], 32)) {
    return false;
  }
  out = Hello{f[1][0] - '0', std::string(f[2]), std::string(f[3])};
  return true;
}

bool parse_challenge(std::string_view line, Challenge& out) {
  const auto f = split(line);
  if (f.size() != 4 || f[0] != "HERD-CHALLENGE" || !name_ok(f[1]) || !hex_of(f[2], 32) || !proof_ok(f[3])) {
    return false;
  }
  out = Challenge{std::string(f[1]), std::string(f[2]), std::string(f[3])};
  return true;
}

bool parse_auth(std::string_view line, std::string& proof) {
  const auto f = split(line);
  if (f.size() != 2 || f[0] != "HERD-AUTH" || !proof_ok(f[1])) return false;
  proof = std::string(f[1]);
  return true;
}

}  // namespace herd::live::wire
