#pragma once
// The checksum of a table log record (docs/durable-table.md, "The log").
#include <cstdint>
#include <string_view>

namespace herd::durable {

// CRC-32 (the zlib / boost::crc_32_type one: reflected 0xEDB88320, initial
// and final XOR 0xFFFFFFFF) of `bytes`.
std::uint32_t crc32(std::string_view bytes);

}  // namespace herd::durable
