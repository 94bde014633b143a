#include "engine/asio/peer_link.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include "engine/asio/peer_auth.h"
#include "engine/asio/peer_socket.h"
#include "engine/asio/peer_wire.h"

namespace herd::live {

namespace {
constexpr std::size_t kReadChunk = 4096;
}

PeerLink::PeerLink(PeerLinkHost& host, PeerId id, std::uint64_t seed)
    : host_(host),
      id_(id),
      who_("peer " + host.neighbour(id).name),
      socket_(host.io()),
      timer_(host.io()),
      framer_(Limits::max_line_bytes),
      backoff_(std::chrono::milliseconds(host.limits().reconnect_initial_ms),
               std::chrono::milliseconds(host.limits().reconnect_max_ms), seed),
      out_(host.limits().max_peer_queued_bytes),
      rbuf_(new char[kReadChunk]) {}

void PeerLink::start() { connect(); }

void PeerLink::stop() {
  state_ = State::Stopped;
  ++generation_;
  boost::system::error_code ec;
  socket_.close(ec);
  timer_.cancel();
}

void PeerLink::dial_now() {
  if (state_ != State::Waiting) return;
  ++generation_;  // the pending redial timer becomes stale
  timer_.cancel();
  backoff_.reset();
  host_.log().event(who_ + " is back (it dialed us): redialing now");
  connect();
}

void PeerLink::open_bound(const tcp::endpoint& to) {
  // Dial from the configured host, so that on a machine with several
  // addresses the neighbour sees the address its config names.
  boost::system::error_code ec;
  socket_.open(to.protocol(), ec);
  if (ec) return;
  const auto& from = host_.local_address();
  if (!from.is_unspecified() && from.is_v4() == to.address().is_v4()) {
    socket_.bind(tcp::endpoint(from, 0), ec);
    if (ec) host_.log().event(who_ + ": cannot bind to " + from.to_string() + ": " + ec.message());
  }
}

void PeerLink::connect() {
  if (state_ == State::Stopped) return;
  state_ = State::Connecting;
  framer_ = LineFramer(Limits::max_line_bytes);
  const auto gen = generation_;
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(peer().host, ec);
  timer_.expires_after(std::chrono::milliseconds(host_.limits().handshake_timeout_ms));
  timer_.async_wait([self = shared_from_this(), gen](const boost::system::error_code& e) {
    if (e || gen != self->generation_ || self->state_ == State::Up) return;
    self->drop("no connection or handshake within limits.handshake_timeout_ms");
  });
  auto done = [self = shared_from_this(), gen](const boost::system::error_code& e, auto&&...) {
    if (gen == self->generation_) self->on_connect(e);
  };
  if (!ec) {
    const tcp::endpoint to(addr, peer().peer_port);
    open_bound(to);
    socket_.async_connect(to, done);
  } else {
    // A host name: resolved at each attempt, so a moved server is found again.
    auto resolver = std::make_shared<tcp::resolver>(host_.io());
    resolver->async_resolve(peer().host, std::to_string(peer().peer_port),
                            [self = shared_from_this(), gen, resolver, done](const boost::system::error_code& e,
                                                                             tcp::resolver::results_type r) {
                              if (gen != self->generation_) return;
                              if (e || r.empty()) {
                                return self->drop("cannot resolve " + self->peer().host + ": " +
                                                  (e ? e.message() : std::string("no address")));
                              }
                              const tcp::endpoint to = *r.begin();
                              self->open_bound(to);
                              self->socket_.async_connect(to, done);
                            });
  }
}

void PeerLink::on_connect(const boost::system::error_code& ec) {
  if (ec) {
    drop("connect to " + peer().host + ":" + std::to_string(peer().peer_port) + " failed: " + ec.message());
    return;
  }
  tune_peer_socket(socket_);
  state_ = State::Handshake;
  nonce_ = make_nonce();
  out_.append(wire::hello(host_.credentials().self, nonce_));
  write();
  read();
}

void PeerLink::read() {
  const auto gen = generation_;
  socket_.async_read_some(asio::buffer(rbuf_.get(), kReadChunk),
                          [self = shared_from_this(), gen](const boost::system::error_code& ec, std::size_t n) {
                            if (gen != self->generation_) return;
                            const ServerLog::TimeHold hold(self->host_.log());
                            if (ec) {
                              self->drop(ec == asio::error::eof ? std::string("closed by the peer")
                                                                : "read failed: " + ec.message());
                              return;
                            }
                            self->framer_.feed(std::string_view(self->rbuf_.get(), n),
                                               [&](std::string_view line, bool) {
                                                 if (gen == self->generation_) self->on_line(line);
                                               });
                            if (gen == self->generation_) self->read();
                          });
}

void PeerLink::on_line(std::string_view line) {
  host_.log().lines(who_, '<', line);
  if (state_ == State::Up) return;  // the acceptor sends nothing after WELCOME; ignore
  wire::Challenge ch;
  if (wire::parse_challenge(line, ch)) {
    if (ch.acceptor != peer().name) return drop("answered as '" + ch.acceptor + "', not " + peer().name);
    std::string proof = "-";
    const PeerCredentials& me = host_.credentials();
    if (me.hmac) {
      const auto expect = acceptor_proof(me.secret, wire::kVersion, me.self, peer().name, nonce_, ch.nonce);
      if (!constant_time_equal(ch.proof, expect)) return drop("its proof of the shared secret is wrong");
      proof = dialer_proof(me.secret, wire::kVersion, me.self, peer().name, nonce_, ch.nonce);
    } else if (ch.proof != "-") {
      return drop("it expects a shared secret and this server has none");
    }
    out_.append(wire::auth(proof));
    write();
    return;
  }
  if (line == wire::kWelcome) {
    state_ = State::Up;
    timer_.cancel();
    backoff_.reset();
    host_.log().event(who_ + " up (outbound to " + peer().host + ":" + std::to_string(peer().peer_port) + ")");
    host_.link_up(id_);
    return;
  }
  if (line.starts_with(wire::kDenied)) return drop("refused us: " + std::string(line));
  drop("unexpected line during the handshake");
}

void PeerLink::send_line(std::string_view line) {
  if (state_ != State::Up) return;
  if (!out_.append(line)) {
    drop("output queue over limits.max_peer_queued_bytes (" + std::to_string(host_.limits().max_peer_queued_bytes) +
             "): the peer is not keeping up",
         /*inside_node_call=*/true);
    return;
  }
  host_.log().lines(who_, '>', line.substr(0, line.size() - 1));
  write();
}

void PeerLink::write() {
  if (out_.writing() || !out_.has_pending()) return;
  const std::string& buf = out_.start_write();
  const auto gen = generation_;
  asio::async_write(socket_, asio::buffer(buf),
                    [self = shared_from_this(), gen](const boost::system::error_code& ec, std::size_t) {
                      // A stale completion belongs to a closed socket whose
                      // queue was already replaced; touch nothing.
                      if (gen != self->generation_) return;
                      self->out_.write_done();
                      if (ec) return self->drop("write failed: " + ec.message());
                      self->write();
                    });
}

void PeerLink::drop(const std::string& reason, bool inside_node_call) {
  if (state_ == State::Stopped || state_ == State::Waiting) return;
  const bool was_up = state_ == State::Up;
  ++generation_;
  boost::system::error_code ec;
  socket_.close(ec);  // cancels the write in flight: its buffer is not read again
  out_ = OutputQueue(host_.limits().max_peer_queued_bytes);
  state_ = State::Waiting;
  const auto delay = backoff_.next();
  host_.log().event(who_ + (was_up ? " down: " : " not connected: ") + reason + "; redial in " +
                    std::to_string(delay.count()) + " ms");
  if (was_up && inside_node_call) {
    host_.link_down_later(id_);
  } else if (was_up) {
    host_.link_down(id_);
  }
  timer_.expires_after(delay);
  const auto gen = generation_;
  timer_.async_wait([self = shared_from_this(), gen](const boost::system::error_code& e) {
    if (e || gen != self->generation_) return;
    self->connect();
  });
}

}  // namespace herd::live
