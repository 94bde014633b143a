#include "engine/asio/peer_auth.h"

#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace herd::live {

namespace {

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 15];
  }
  return out;
}

std::string proof(std::string_view role, std::string_view secret, int version, std::string_view dialer,
                  std::string_view acceptor, std::string_view dn, std::string_view an) {
  std::string msg = "herd-peer-v" + std::to_string(version) + " ";
  msg.append(role).append(" ").append(dialer).append(" ").append(acceptor);
  msg.append(" ").append(dn).append(" ").append(an);
  return hmac_sha256_hex(secret, msg);
}

}  // namespace

std::string make_nonce() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
  return hex(b, sizeof b);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len)) {
    throw std::runtime_error("OpenSSL HMAC failed");
  }
  return hex(out, len);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // lengths are public (fixed 64 hex digits)
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string acceptor_proof(std::string_view secret, int version, std::string_view dialer, std::string_view acceptor,
                           std::string_view dialer_nonce, std::string_view acceptor_nonce) {
  return proof("acceptor", secret, version, dialer, acceptor, dialer_nonce, acceptor_nonce);
}

std::string dialer_proof(std::string_view secret, int version, std::string_view dialer, std::string_view acceptor,
                         std::string_view dialer_nonce, std::string_view acceptor_nonce) {
  return proof("dialer", secret, version, dialer, acceptor, dialer_nonce, acceptor_nonce);
}

}  // namespace herd::live
