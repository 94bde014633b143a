#pragma once
// Messages between servers. In memory they carry a shared ReportRef (and,
// for a strategy's control kinds, a shared ControlBody); on the wire (live
// mode) they are text lines, documented in docs/peer-protocol.md. The text
// line's length is also the size model the simulator counts bytes by.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "herd/report.h"
#include "herd/types.h"

namespace herd {

class ClientDirectory;

// What a strategy's control messages carry (anti-entropy: herd/anti_entropy.h).
// One struct for every control kind; each kind uses the fields its comment
// names and leaves the others empty.
struct ControlBody {
  // One node of a table digest (herd/table_digest.h): the reports whose
  // client hash lies under trie node `index` of the message's level.
  struct Node {
    std::uint32_t index = 0;
    std::uint32_t count = 0;
    std::uint64_t hash = 0;
    bool operator==(const Node&) const = default;
  };
  // One report, summarised: its client's hash, client time and report hash.
  struct Entry {
    std::uint64_t client = 0;
    Nanos time = 0;
    std::uint64_t report = 0;
    bool operator==(const Entry&) const = default;
  };
  std::uint8_t depth = 0;           // Digest: the sender's deepest digest level
  std::uint8_t level = 0;           // Digest: the level of `nodes`
  std::vector<Node> nodes;          // Digest
  std::uint64_t lo = 0, hi = 0;     // Entries: the client-hash range listed
  std::vector<Entry> entries;       // Entries: every report the sender holds in [lo, hi]
  std::vector<std::uint64_t> wants; // Want: client hashes whose reports the sender asks for
  // PtIhave, PtGraft (Plumtree, herd/plumtree.h): the report announced or
  // asked for, by client (id in the receiver's directory, and name for the
  // wire) and client time.
  ClientId client = 0;
  std::string client_name;
  Nanos time = 0;

  bool operator==(const ControlBody&) const = default;

  // Per-line caps (they keep every line within kMaxPeerLineBytes).
  static constexpr std::size_t kMaxNodes = 64;
  static constexpr std::size_t kMaxEntries = 64;
  static constexpr std::size_t kMaxWants = 128;
};

struct PeerMessage {
  enum class Kind : std::uint8_t {
    Update,      // "here is a report": the only kind plain flooding and gossip use
    Repair,      // anti-entropy: a report the receiver lacked or held older
    AeDigest,    // anti-entropy: digest nodes of one level
    AeEntries,   // anti-entropy: the sender's reports in a client-hash range, summarised
    AeWant,      // anti-entropy: "send me your reports of these clients"
    PtIhave,     // Plumtree: "I hold this client's report of this time" (no payload)
    PtGraft,     // Plumtree: "send me that report, and push to me eagerly again"
    PtPrune,     // Plumtree: "push to me lazily (announcements only)"
  };
  static constexpr std::size_t kKinds = 8;

  // A constructor, not aggregate initialisation, so that {kind, hops,
  // report} (every update sender) needs no control field.
  PeerMessage() = default;
  PeerMessage(Kind k, std::uint16_t h, ReportRef r, std::shared_ptr<const ControlBody> c = nullptr)
      : kind(k), hops(h), report(std::move(r)), control(std::move(c)) {}

  Kind kind = Kind::Update;
  // Links crossed since the origin server (Update, Repair); for PtIhave and
  // PtGraft, the hops the announced payload would arrive with.
  std::uint16_t hops = 0;
  ReportRef report;        // Update, Repair
  std::shared_ptr<const ControlBody> control;  // every other kind (PtPrune: an empty body)
};

// The kind's name in results (the messages table: "<name>_sent", ...):
// "update", "repair", "ae_digest", "ae_entries", "ae_want", "pt_ihave",
// "pt_graft", "pt_prune".
const char* kind_name(PeerMessage::Kind k);
// True for the kinds that carry a report the node stores (Update, Repair).
inline bool carries_report(PeerMessage::Kind k) {
  return k == PeerMessage::Kind::Update || k == PeerMessage::Kind::Repair;
}

// True for Plumtree's control kinds (live: protocol version 3 and later).
inline bool is_plumtree(PeerMessage::Kind k) {
  return k == PeerMessage::Kind::PtIhave || k == PeerMessage::Kind::PtGraft || k == PeerMessage::Kind::PtPrune;
}

// One text line, without its '\n':
//   "UPDATE <hops> AT <origin> <diff> <client> <coordinates> <time>"
//   "AE-REPAIR AT ..."; "AE-DIGEST ...", "AE-ENTRIES ...", "AE-WANT ...";
//   "PT-IHAVE <hops> <client> <time>", "PT-GRAFT <hops> <client> <time>", "PT-PRUNE"
// (docs/peer-protocol.md).
std::string format_peer_message(const PeerMessage& m);

// Parses a peer line strictly, exactly as docs/peer-protocol.md writes it
// (single spaces only, no leading zeros, lowercase hex of 16 digits, within
// the per-line caps). Returns false (and leaves `out` alone) otherwise. A
// repair comes back with hops 1.
bool parse_peer_message(std::string_view line, ClientDirectory& clients, PeerMessage& out);

}  // namespace herd
