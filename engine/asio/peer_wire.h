#pragma once
// The handshake lines of the peer protocol (docs/peer-protocol.md). After the
// handshake, the dialer sends peer messages (herd/peer_message.h): on a
// version-1 link only UPDATE lines, on a version-2 link anti-entropy lines
// too, on a version-3 link Plumtree's lines as well.
// Pure text functions; formatted lines end with '\n', parsed ones do not.
#include <string>
#include <string_view>

namespace herd::live::wire {

inline constexpr std::string_view kWelcome = "HERD-WELCOME";
inline constexpr std::string_view kDenied = "HERD-DENIED";
// The version this server dials with; acceptors take kMinVersion..kVersion
// (a server from before anti-entropy dials with 1 and sends only UPDATE;
// one from before Plumtree dials with 2).
inline constexpr int kVersion = 3;
inline constexpr int kMinVersion = 1;

struct Hello {
  int version = 0;
  std::string dialer, nonce;
};
struct Challenge {
  std::string acceptor, nonce, proof;  // proof "-" without a shared secret
};

std::string hello(std::string_view dialer, std::string_view nonce, int version = kVersion);
std::string challenge(std::string_view acceptor, std::string_view nonce, std::string_view proof);
std::string auth(std::string_view proof);
std::string denied(std::string_view reason);

// Strict: exact keyword, single spaces, the right number of fields, nonces of
// 32 hex digits and proofs of 64 hex digits (or "-").
bool parse_hello(std::string_view line, Hello& out);
bool parse_challenge(std::string_view line, Challenge& out);
bool parse_auth(std::string_view line, std::string& proof);

}  // namespace herd::live::wire
