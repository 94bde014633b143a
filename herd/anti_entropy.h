#pragma once
// Push-pull anti-entropy around any dissemination strategy (flooding,
// gossip): a decorator that hands every call on to the strategy it wraps
// and adds rounds of digest exchange that repair what dissemination missed
// (a partition, a cut, a lost message, a restart with an empty table).
//
// A round with neighbour P: this node sends the root of its table digest
// (herd/table_digest.h). From there the two nodes answer each other's
// messages; no round state is kept, so a lost message only ends a round
// early (the next one starts over):
// - AeDigest (nodes of one trie level): for each node that differs from
//   the receiver's, if both sides hold more than TableDigest::kLeafTarget
//   reports under it and both keep the next level, its 16 children go back
//   (the other side compares those); if the sender holds nothing there, the
//   receiver sends all its reports under it; otherwise the side holding
//   fewer lists them (AeEntries), the receiver answering with its own node
//   when it holds more, so the smaller side lists;
// - AeEntries (summaries of the sender's reports in a client-hash range):
//   the receiver sends each of its reports there the sender lacks or holds
//   older (Repair), and asks for the ones it lacks or holds older (AeWant);
// - AeWant: the receiver sends its reports of those clients (Repair).
// A repaired report is stored (newest wins) and handed to the wrapped
// strategy like an update, so flooding carries it on at once.
//
// Rounds start on peer-up (after a jitter in [0, interval/4)) and every
// interval (each period drawn from [0.75, 1.25] x interval; the first from
// [0, interval)), with every up neighbour. Jitter comes from `seed` alone:
// the same seed gives the same rounds. Cost: an equal table costs one
// AeDigest line (about 40 bytes) per round whatever its size; a difference
// costs about depth x 16 digest nodes plus one leaf listing per differing
// deepest node (docs/anti-entropy.md has the figures).
//
// Timers: ids with the top bit set are this strategy's; others go to the
// wrapped strategy.
#include <cstdint>
#include <memory>

#include "herd/strategy.h"

namespace herd {

std::unique_ptr<PropagationStrategy> make_anti_entropy(std::unique_ptr<PropagationStrategy> inner, Nanos interval,
                                                       std::uint64_t seed);

}  // namespace herd
