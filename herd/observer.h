#pragma once
// What a node reports about itself, for metrics and logs. Every method has an
// empty default so an observer overrides only what it records. Calls happen
// synchronously inside the node's input methods.
#include <cstdint>
#include <string_view>

#include "herd/peer_message.h"
#include "herd/types.h"

namespace herd {

// A bound on client input that refused a line (NodeConfig, ClientDirectory).
enum class Limit : std::uint8_t {
  FutureTime,  // IAMAT time too far ahead of the server's clock
  ClientCap,   // a new client while the client directory is full
};

class NodeObserver {
 public:
  virtual ~NodeObserver() = default;
  // An IAMAT was accepted; `stored` is false when it was stale. `previous`
  // is the report it replaced (null if none, or when not stored): metrics
  // tell which older updates a store also covers from it, with no copy of
  // the table.
  virtual void client_report(const ReportRef& /*r*/, bool /*stored*/, const Report* /*previous*/) {}
  // A peer message arrived; `stored` is false for a duplicate or stale one;
  // `previous` as for client_report.
  virtual void peer_report(PeerId /*from*/, const PeerMessage& /*m*/, bool /*stored*/,
                           const Report* /*previous*/) {}
  virtual void peer_sent(PeerId /*to*/, const PeerMessage& /*m*/) {}
  // A WHATSAT was answered from `served` (the report held at that moment).
  virtual void whatsat(ClientId /*client*/, const Report& /*served*/) {}
  // A line got "? ..."; `oversized` when it exceeded kMaxLineBytes.
  virtual void invalid_line(ConnId /*conn*/, std::string_view /*line*/, bool /*oversized*/) {}
  // A well-formed line was refused by a limit (and answered "? ..."; the
  // invalid_line call follows).
  virtual void limit_hit(ConnId /*conn*/, Limit /*which*/, std::string_view /*line*/) {}
};

}  // namespace herd
