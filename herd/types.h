#pragma once
// Plain identifiers shared by the node and its drivers. Drivers choose the
// values of connection, peer, lookup and timer ids; the node only compares them.
#include <cstdint>

namespace herd {

// Time in integer nanoseconds. As an absolute time it counts from the POSIX
// epoch; never carried through a double (a double loses the last digits).
using Nanos = std::int64_t;
inline constexpr Nanos kNanosPerSecond = 1'000'000'000;

using ConnId = std::uint64_t;    // one client connection, chosen by the driver
using PeerId = std::uint32_t;    // one neighbour, chosen by the driver
using LookupId = std::uint64_t;  // one places lookup, chosen by the node
using TimerId = std::uint64_t;   // one timer, chosen by the node or strategy
using ClientId = std::uint32_t;  // an interned client name (ClientDirectory)

// The longest line the protocol accepts, without its '\n'. Longer lines are
// answered with "? " and their first kMaxLineBytes bytes; the rest of the line
// is discarded unread, so a client can never grow a server's memory.
inline constexpr std::size_t kMaxLineBytes = 4096;

}  // namespace herd
