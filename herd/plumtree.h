#pragma once
// Plumtree (Leitão, Pereira, Rodrigues, "Epidemic Broadcast Trees", SRDS
// 2007) as a dissemination strategy: a report is pushed eagerly along a
// spanning tree that forms from first deliveries, and announced lazily
// (PtIhave: client and time, no payload) on every other link; a server that
// hears of a report it lacks and does not get it within `graft_timeout`
// asks the announcer for it (PtGraft), which also puts that link back in
// the tree; a duplicate payload prunes the link it came on (PtPrune).
//
// Per neighbour a node keeps one bit, eager or lazy. Every link starts
// eager, so the first broadcasts flood and the duplicates prune the graph
// down to a tree (RMR 0 from then on, with no faults). Differences from the
// paper, each because herd's reports are newest-wins rather than a log of
// distinct messages:
// - a report older than the one held is neither stored nor forwarded, and
//   prunes nothing (it is not a redundant path for the same broadcast);
// - a report is identified by (client, client time): an announced report
//   counts as held when the held one is at least as new in client time;
// - announcements go at once, one line per link, not batched per round;
// - after a graft the payload carries the announcer's hop count + 1, as the
//   announcement said it, so hops stay what the path was.
// A link that goes down leaves both sets; when it comes back it is eager,
// as a new neighbour is in the paper. With anti-entropy around it
// (herd/anti_entropy.h), what the tree misses during faults is repaired too.
//
// Timers: ids below 2^62 (anti-entropy keeps the top bit).
#include <cstdint>
#include <memory>

#include "herd/strategy.h"

namespace herd {

// The paper's timer for a missing message, and the shorter one before
// asking the next announcer.
std::unique_ptr<PropagationStrategy> make_plumtree(Nanos graft_timeout);

}  // namespace herd
