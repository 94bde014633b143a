#pragma once
// Plain identifiers shared by the node and its drivers. Drivers choose the
// values of connection, peer, lookup and timer ids; the node only compares them.
#include <cstddef>
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

// The longest server name (it appears in every AT line the server makes).
inline constexpr std::size_t kMaxServerNameBytes = 64;
// The longest time difference an AT line can carry: sign, 19 digits of
// seconds, '.', 9 decimals.
inline constexpr std::size_t kMaxTimeDiffBytes = 1 + 19 + 1 + 9;
// The longest AT line a legal IAMAT can produce: "AT <origin> <diff> " and the
// IAMAT's last three fields re-joined with single spaces (at most the line
// bound less "IAMAT" and one separator).
inline constexpr std::size_t kMaxAtLineBytes =
    3 + kMaxServerNameBytes + 1 + kMaxTimeDiffBytes + 1 + (kMaxLineBytes - 6);
// The longest line between servers: "UPDATE <hops up to 65535> " + an AT line.
// Derived, never chosen, so no legal client input can make a peer refuse a
// line (and drop the link).
inline constexpr std::size_t kMaxPeerLineBytes = 13 + kMaxAtLineBytes;

}  // namespace herd
