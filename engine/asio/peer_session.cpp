#include "engine/asio/peer_session.h"

#include <boost/asio/write.hpp>

#include "engine/asio/peer_auth.h"
#include "engine/asio/peer_socket.h"
#include "engine/asio/peer_wire.h"

namespace herd::live {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}

PeerSession::PeerSession(PeerSessionHost& host, tcp::socket socket, std::uint64_t id)
    : host_(host),
      socket_(std::move(socket)),
      deadline_(host.io()),
      id_(id),
      who_("peer-conn#" + std::to_string(id)),
      framer_(kMaxPeerLineBytes),
      rbuf_(new char[kReadChunk]) {}

void PeerSession::start() {
  boost::system::error_code ec;
  const auto ep = socket_.remote_endpoint(ec);
  if (!ec) remote_ = ep.address();
  tune_peer_socket(socket_);
  host_.log().event(who_ + " accepted from " + remote_.to_string() + " (awaiting handshake)");
  deadline_.expires_after(std::chrono::milliseconds(host_.limits().handshake_timeout_ms));
  deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& e) {
    if (!e && self->state_ != State::Authenticated && self->state_ != State::Closed) {
      self->refuse("no handshake within limits.handshake_timeout_ms");
    }
  });
  read();
}

void PeerSession::read() {
  socket_.async_read_some(asio::buffer(rbuf_.get(), kReadChunk),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                            if (self->state_ == State::Closed) return;
                            const ServerLog::TimeHold hold(self->host_.log());
                            if (ec) {
                              self->close(ec == asio::error::eof ? std::string("closed by the peer")
                                                                 : "read failed: " + ec.message());
                              return;
                            }
                            self->framer_.feed(std::string_view(self->rbuf_.get(), n),
                                               [&](std::string_view line, bool oversized) {
                                                 if (self->state_ == State::Closed) return;
                                                 if (oversized) return self->refuse("oversized line");
                                                 self->on_line(line);
                                               });
                            if (self->state_ != State::Closed) self->read();
                          });
}

void PeerSession::on_line(std::string_view line) {
  host_.log().lines(who_, '<', line);
  const PeerCredentials& me = host_.credentials();
  switch (state_) {
    case State::AwaitHello: {
      wire::Hello h;
      if (!wire::parse_hello(line, h)) return refuse("expected HERD-HELLO");
      const auto p = host_.neighbours().index(h.dialer);
      if (!p) return refuse("'" + h.dialer + "' is not a neighbour of " + me.self);
      if (host_.link_cut(*p)) return refuse("the link to " + h.dialer + " is cut (fault injection)");
      peer_ = *p;
      who_ = "peer " + h.dialer + " (in#" + std::to_string(id_) + ")";
      dialer_nonce_ = h.nonce;
      version_ = h.version;
      nonce_ = make_nonce();
      std::string proof = "-";
      if (me.hmac) {
        proof = acceptor_proof(me.secret, h.version, h.dialer, me.self, dialer_nonce_, nonce_);
      } else {
        // No secret: the configured address is the only proof available.
        bool ok = false;
        for (const auto& a : host_.neighbours()[peer_].addresses) ok = ok || a == remote_;
        if (!ok) return refuse("connects from " + remote_.to_string() + ", not the configured address of " + h.dialer);
      }
      state_ = State::AwaitAuth;
      send(wire::challenge(me.self, nonce_, proof), false);
      host_.peer_named(id_, peer_);
      return;
    }
    case State::AwaitAuth: {
      std::string proof;
      if (!wire::parse_auth(line, proof)) return refuse("expected HERD-AUTH");
      if (me.hmac) {
        const auto expect = dialer_proof(me.secret, version_, host_.neighbours()[peer_].name, me.self, dialer_nonce_, nonce_);
        if (!constant_time_equal(proof, expect)) return refuse("wrong proof of the shared secret");
      } else if (proof != "-") {
        return refuse("it uses a shared secret and this server has none");
      }
      state_ = State::Authenticated;
      deadline_.cancel();
      send(std::string(wire::kWelcome) + "\n", false);
      host_.log().event(who_ + " authenticated (inbound from " + remote_.to_string() + ", " +
                        (me.hmac ? "HMAC" : "address check") + ", protocol version " + std::to_string(version_) + ")");
      host_.peer_authenticated(id_, peer_);
      return;
    }
    case State::Authenticated:
      host_.peer_line(peer_, line, who_, version_);
      return;
    case State::Closed:
      return;
  }
}

void PeerSession::refuse(const std::string& reason) {
  if (state_ == State::Closed) return;
  host_.peer_refused();
  host_.log().event(who_ + " refused: " + reason);
  state_ = State::Closed;
  deadline_.cancel();
  send(wire::denied(reason.size() > 200 ? reason.substr(0, 200) : reason), true);
  host_.peer_closed(id_);
}

void PeerSession::send(std::string text, bool close_after) {
  host_.log().lines(who_, '>', std::string_view(text).substr(0, text.size() - 1));
  auto buf = std::make_shared<std::string>(std::move(text));
  asio::async_write(socket_, asio::buffer(*buf),
                    [self = shared_from_this(), buf, close_after](const boost::system::error_code&, std::size_t) {
                      if (close_after) {
                        boost::system::error_code ec;
                        self->socket_.shutdown(tcp::socket::shutdown_both, ec);
                        self->socket_.close(ec);
                      }
                    });
}

void PeerSession::close(const std::string& reason) {
  if (state_ == State::Closed) return;
  const bool was_auth = state_ == State::Authenticated;
  state_ = State::Closed;
  boost::system::error_code ec;
  socket_.close(ec);
  deadline_.cancel();
  host_.log().event(who_ + (was_auth ? " inbound link dropped: " : " closed during handshake: ") + reason);
  host_.peer_closed(id_);
}

}  // namespace herd::live
