#pragma once
// What the simulated network tells its driver (the harness's metrics), with
// the node index attached: the node's own NodeObserver calls. All calls
// happen synchronously, in event order, so a metrics collector sees one
// deterministic history. (What the network did with each message is in
// NetworkCounters; scheduled calls go to NetworkConfig::due.)
#include <cstdint>
#include <string_view>

#include "herd/peer_message.h"
#include "herd/types.h"

namespace herd::virt {

class NetworkObserver {
 public:
  virtual ~NetworkObserver() = default;
  // An IAMAT was accepted at `node`; `stored` is false when it was stale.
  // `previous` is the report it replaced (null if none): metrics need no
  // copy of every node's table.
  virtual void client_report(std::uint32_t /*node*/, const ReportRef& /*r*/, bool /*stored*/,
                             const Report* /*previous*/) {}
  // `node` received a peer message; `stored` is false for a duplicate/stale
  // one; `previous` as for client_report.
  virtual void peer_report(std::uint32_t /*node*/, PeerId /*from*/, const PeerMessage& /*m*/,
                           bool /*stored*/, const Report* /*previous*/) {}
  // A WHATSAT at `node` was answered from `served`.
  virtual void whatsat(std::uint32_t /*node*/, ClientId /*client*/, const Report& /*served*/) {}
  // A line at `node` got "? ..." (e.g. a WHATSAT for a client it never heard of).
  virtual void invalid_line(std::uint32_t /*node*/, std::string_view /*line*/) {}
  // Bytes a node wrote to a client connection.
  virtual void client_output(std::uint32_t /*node*/, ConnId /*conn*/, std::string_view /*bytes*/) {}
};

}  // namespace herd::virt
