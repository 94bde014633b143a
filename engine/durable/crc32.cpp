#include "engine/durable/crc32.h"

#include <cstdlib>
#include <string_view>

#include <boost/crc.hpp>

namespace herd::durable {

namespace {

// Eight bytes at a time ("slicing by 8"): about 4x faster than
// boost::crc_32_type's byte-wise table, with the same result (the tests write
// records with boost::crc_32_type).
struct CrcTables {
  std::uint32_t t[8][256];
  CrcTables() {
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (std::uint32_t i = 0; i < 256; ++i)
      for (int s = 1; s < 8; ++s) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
  }
};
const CrcTables kCrc;

}  // namespace

std::uint32_t crc32(std::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  std::uint32_t c = 0xFFFFFFFFu;
  const auto& t = kCrc.t;
  while (n >= 8) {
    const std::uint32_t lo = c ^ (std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
                                  std::uint32_t(p[3]) << 24);
    c = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^ t[3][p[4]] ^
        t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
    p += 8;
    n -= 8;
  }
  while (n--) c = t[0][(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

namespace {

// Checked once against boost::crc_32_type, so a mistake above cannot write
// records nobody else can verify.
[[maybe_unused]] const bool kCrcChecked = [] {
  const std::string_view probe = "AT Clark +0.263873386 kiwi.cs.ucla.edu +34.068930-118.445127 1621464827.959498503";
  boost::crc_32_type ref;
  ref.process_bytes(probe.data(), probe.size());
  if (ref.checksum() != crc32(probe)) std::abort();
  return true;
}();

}  // namespace

}  // namespace herd::durable
