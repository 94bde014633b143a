#include "herd/node.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "herd/client_command.h"
#include "herd/whatsat_reply.h"

namespace herd {

#ifdef HERD_NODE_CHECKS_REENTRY
// Marks an input method as running for its whole body; a second input while
// it runs can only come from inside a context callback (herd/context.h).
// Throws rather than asserts, so a test can show it fires without aborting.
class Node::InputScope {
 public:
  InputScope(Node& node, const char* input) : node_(node) {
    if (node_.running_input_) {
      throw std::logic_error(std::string("herd::Node::") + input + " called while Node::" + node_.running_input_ +
                             " is running (node " + node_.config_.name +
                             "): a driver must not call into the node from inside a NodeContext callback; "
                             "queue the input and deliver it after the call returns (herd/context.h)");
    }
    node_.running_input_ = input;
  }
  ~InputScope() { node_.running_input_ = nullptr; }
  InputScope(const InputScope&) = delete;
  InputScope& operator=(const InputScope&) = delete;

 private:
  Node& node_;
};
#define HERD_NODE_INPUT(name) const InputScope input_scope_(*this, name)
#else
#define HERD_NODE_INPUT(name) static_cast<void>(0)
#endif

Node::Node(NodeConfig config, NodeContext& ctx, ClientDirectory& clients,
           std::unique_ptr<PropagationStrategy> strategy)
    : ctx_(ctx),
      strategy_(std::move(strategy)),
      table_(config.shared_table, config.table_column),
      config_(std::move(config)),
      clients_(clients),
      up_rest_(config_.neighbours.size() > 64 ? config_.neighbours.size() - 64 : 0, config_.peers_start_up) {
  for (std::size_t i = 0; i < config_.neighbours.size() && i < 64; ++i) set_link_up(i, config_.peers_start_up);
}

void Node::set_link_up(std::size_t index, bool up) {
  if (index >= 64) {
    up_rest_[index - 64] = up;
  } else if (up) {
    up_first_ |= std::uint64_t{1} << index;
  } else {
    up_first_ &= ~(std::uint64_t{1} << index);
  }
}

Node::~Node() = default;

void Node::on_client_line(ConnId conn, std::string_view line, bool oversized) {
  HERD_NODE_INPUT("on_client_line");
  Conn& c = conns_[conn];
  if (oversized) return answer_invalid(conn, c, line, true);
  ClientCommand cmd = parse_client_line(line);
  if (std::holds_alternative<EmptyLine>(cmd)) return;
  if (auto* iamat = std::get_if<IamAt>(&cmd)) return handle_iamat(conn, c, *iamat, line);
  if (auto* whatsat = std::get_if<WhatsAt>(&cmd)) return handle_whatsat(conn, c, *whatsat, line);
  answer_invalid(conn, c, line, false);
}

bool Node::store(const ReportRef& r, ReportRef& replaced) {
  if (table_.offer(r, &replaced) != LocationTable::Offer::Stored) return false;
  if (config_.persist) ctx_.persist(*r);
  return true;
}

void Node::refuse(ConnId conn, Conn& c, std::string_view line, Limit why) {
  ctx_.observer().limit_hit(conn, why, line);
  answer_invalid(conn, c, line, false);
}

void Node::handle_iamat(ConnId conn, Conn& c, const IamAt& cmd, std::string_view line) {
  const Nanos now = ctx_.now();
  // Compared without overflow: both times are within int64 but their
  // difference need not be.
  if (config_.max_future_skew > 0 && cmd.client_time > now && cmd.client_time - now > config_.max_future_skew) {
    return refuse(conn, c, line, Limit::FutureTime);
  }
  const auto id = clients_.try_intern(cmd.client);
  if (!id) return refuse(conn, c, line, Limit::ClientCap);
  const Nanos diff = now - cmd.client_time;
  ReportRef r = make_client_report(config_.name, diff, *id, cmd.client, cmd.coordinates, cmd.time,
                                   cmd.position, cmd.client_time);
  std::string reply = r->at_line();
  reply += '\n';
  ReportRef replaced;
  const bool stored = store(r, replaced);
  ctx_.observer().client_report(r, stored, replaced.get());
  // Answer before flooding so the client's reply is not delayed by sends.
  answer(conn, c, std::move(reply));
  if (stored) {
    strategy_->on_stored(*this, r, std::nullopt, 0);
  } else {
    strategy_->on_stale(*this, r, std::nullopt);
  }
}

void Node::handle_whatsat(ConnId conn, Conn& c, const WhatsAt& cmd, std::string_view line) {
  auto id = clients_.find(cmd.client);
  const ReportRef* held = id ? table_.find(*id) : nullptr;
  if (!held) return answer_invalid(conn, c, line, false);
  ctx_.observer().whatsat(*id, **held);
  const LookupId lookup = next_lookup_++;
  Reply r;
  r.seq = c.next_seq++;
  r.bound = cmd.bound;
  r.text = (*held)->at_line();
  c.replies.push_back(std::move(r));
  lookups_.emplace(lookup, Lookup{conn, c.replies.back().seq});
  ctx_.lookup_places(lookup, PlacesQuery{(*held)->position(), cmd.radius_km * 1000.0, cmd.bound});
}

void Node::answer(ConnId conn, Conn& c, std::string text) {
  if (c.replies.empty()) {  // nothing waiting ahead of it: skip the queue
    ctx_.send_to_client(conn, text);
    return;
  }
  c.replies.push_back(Reply{c.next_seq++, true, 0, std::move(text)});
}

void Node::answer_invalid(ConnId conn, Conn& c, std::string_view line, bool oversized) {
  ctx_.observer().invalid_line(conn, line, oversized);
  std::string text;
  text.reserve(line.size() + 3);
  text.append("? ").append(line).append("\n");
  answer(conn, c, std::move(text));
}

void Node::flush(ConnId conn, Conn& c) {
  while (!c.replies.empty() && c.replies.front().ready) {
    ctx_.send_to_client(conn, c.replies.front().text);
    c.replies.pop_front();
  }
  if (c.eof && c.replies.empty()) {
    conns_.erase(conn);
    ctx_.close_client(conn);
  }
}

void Node::on_client_eof(ConnId conn) {
  HERD_NODE_INPUT("on_client_eof");
  Conn& c = conns_[conn];
  c.eof = true;
  flush(conn, c);
}

void Node::on_client_closed(ConnId conn) {
  HERD_NODE_INPUT("on_client_closed");
  conns_.erase(conn);
}

void Node::on_places_result(LookupId id, const PlacesResult& result) {
  HERD_NODE_INPUT("on_places_result");
  auto it = lookups_.find(id);
  if (it == lookups_.end()) return;
  const Lookup l = it->second;
  lookups_.erase(it);
  auto conn = conns_.find(l.conn);
  if (conn == conns_.end()) return;  // the client left; nothing to answer
  Conn& c = conn->second;
  // Replies are in seq order; find the one waiting for this lookup.
  auto r = std::lower_bound(c.replies.begin(), c.replies.end(), l.seq,
                            [](const Reply& a, std::uint64_t s) { return a.seq < s; });
  if (r == c.replies.end() || r->seq != l.seq) return;
  r->text = whatsat_reply(r->text, result, r->bound);
  r->ready = true;
  flush(l.conn, c);
}

void Node::on_peer_message(PeerId from, const PeerMessage& m) {
  HERD_NODE_INPUT("on_peer_message");
  if (!carries_report(m.kind)) return strategy_->on_message(*this, from, m);
  if (!m.report) return;
  ReportRef replaced;
  const bool stored = store(m.report, replaced);
  ctx_.observer().peer_report(from, m, stored, replaced.get());
  if (stored) {
    strategy_->on_stored(*this, m.report, from, m.hops);
  } else {
    strategy_->on_stale(*this, m.report, from);
  }
}

void Node::on_peer_up(PeerId p) {
  HERD_NODE_INPUT("on_peer_up");
  auto it = std::find(config_.neighbours.begin(), config_.neighbours.end(), p);
  if (it == config_.neighbours.end()) return;
  set_link_up(static_cast<std::size_t>(it - config_.neighbours.begin()), true);
  strategy_->on_peer_up(*this, p);
}

void Node::on_peer_down(PeerId p) {
  HERD_NODE_INPUT("on_peer_down");
  auto it = std::find(config_.neighbours.begin(), config_.neighbours.end(), p);
  if (it == config_.neighbours.end()) return;
  set_link_up(static_cast<std::size_t>(it - config_.neighbours.begin()), false);
  strategy_->on_peer_down(*this, p);
}

void Node::send(PeerId to, const PeerMessage& m) {
  ctx_.observer().peer_sent(to, m);
  ctx_.send_to_peer(to, m);
}

bool Node::restore(ReportRef r) {
  HERD_NODE_INPUT("restore");
  return r && table_.offer(std::move(r)) == LocationTable::Offer::Stored;
}

void Node::on_start() {
  HERD_NODE_INPUT("on_start");
  strategy_->on_start(*this);
}

void Node::on_timer(TimerId id) {
  HERD_NODE_INPUT("on_timer");
  strategy_->on_timer(*this, id);
}

}  // namespace herd
