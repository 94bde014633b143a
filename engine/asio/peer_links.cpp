#include "engine/asio/peer_links.h"

#include "engine/asio/peer_link.h"

namespace herd::live {

PeerLinks::PeerLinks(std::size_t neighbours) : cut_(neighbours, false) {}

PeerLinks::~PeerLinks() = default;

void PeerLinks::start(PeerLinkHost& host) {
  host_ = &host;
  for (std::size_t i = 0; i < cut_.size(); ++i) {
    links_.push_back(std::make_shared<PeerLink>(host, static_cast<PeerId>(i), seeds_()));
    if (!cut_[i]) links_.back()->start();
  }
}

void PeerLinks::stop() {
  for (auto& l : links_) l->stop();
}

bool PeerLinks::up(PeerId p) const { return p < links_.size() && links_[p]->up(); }

void PeerLinks::send_line(PeerId p, std::string_view line) {
  if (p < links_.size()) links_[p]->send_line(line);
}

void PeerLinks::dial_now(PeerId p) {
  if (p < links_.size() && !cut_[p]) links_[p]->dial_now();
}

bool PeerLinks::set_cut(PeerId p, bool cut) {
  cut_[p] = cut;
  if (p >= links_.size()) return false;  // not started: start() honours the cut
  if (cut) {
    const bool was_up = links_[p]->up();
    links_[p]->stop();
    return was_up;
  }
  links_[p] = std::make_shared<PeerLink>(*host_, p, seeds_());  // a stopped link does not restart
  links_[p]->start();
  return false;
}

}  // namespace herd::live
