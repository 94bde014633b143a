#pragma once
// This server's outbound links, one per neighbour (index = PeerId), and
// which of them fault injection has cut (internal to the Asio driver).
// Reports to a neighbour always travel on this server's own link to it
// (docs/peer-protocol.md).
#include <cstdint>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

#include "herd/types.h"

namespace herd::live {

class PeerLink;
class PeerLinkHost;

class PeerLinks {
 public:
  explicit PeerLinks(std::size_t neighbours);
  ~PeerLinks();

  // Makes every link and dials those not cut (the server starts). Before
  // this there are no links: sends are dropped and nothing is up.
  void start(PeerLinkHost& host);
  // Stops every link (the server is stopping); what they had queued is lost.
  void stop();

  std::size_t size() const { return links_.size(); }
  bool up(PeerId p) const;
  bool cut(PeerId p) const { return cut_[p]; }
  // Queues one line (with its '\n') on the link to p, if it is up.
  void send_line(PeerId p, std::string_view line);
  // p has just shown it is back (it authenticated inbound): if our link to
  // it waits out a back-off, dial now.
  void dial_now(PeerId p);
  // Fault injection: cuts the link to p (it is stopped, and stays down until
  // restored; returns whether it was up) or restores it (a fresh link dials
  // at once; returns false).
  bool set_cut(PeerId p, bool cut);

 private:
  PeerLinkHost* host_ = nullptr;
  std::vector<std::shared_ptr<PeerLink>> links_;
  std::vector<bool> cut_;
  std::mt19937_64 seeds_{std::random_device{}()};  // each link's back-off jitter
};

}  // namespace herd::live
