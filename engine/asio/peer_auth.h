#pragma once
// Peer authentication (docs/peer-protocol.md): HMAC-SHA256 proofs over the
// names and fresh nonces of both ends, so a proof cannot be replayed on
// another connection or reflected back in the other direction. Pure
// functions over OpenSSL; no sockets.
#include <string>
#include <string_view>

namespace herd::live {

// Who this server is to its peers and how it proves it: what the handshake
// on both kinds of peer connection needs.
struct PeerCredentials {
  std::string self;    // this server's name
  bool hmac = true;    // false: peers are checked by address only (peer_auth "address")
  std::string secret;  // the shared secret, with hmac
};

// 16 random bytes from OpenSSL's CSPRNG, as 32 lowercase hex digits.
std::string make_nonce();

// HMAC-SHA256(key, message) as 64 lowercase hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// Equal length and bytes, in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// The acceptor's proof (in CHALLENGE) and the dialer's proof (in AUTH). The
// role tag keeps one from being usable as the other; the protocol version
// of the HELLO is inside both ("herd-peer-v<version>"), so a HELLO rewritten
// to an older version on the way fails the handshake.
std::string acceptor_proof(std::string_view secret, int version, std::string_view dialer, std::string_view acceptor,
                           std::string_view dialer_nonce, std::string_view acceptor_nonce);
std::string dialer_proof(std::string_view secret, int version, std::string_view dialer, std::string_view acceptor,
                         std::string_view dialer_nonce, std::string_view acceptor_nonce);

}  // namespace herd::live
