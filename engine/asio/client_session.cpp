#include "engine/asio/client_session.h"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace herd::live {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}

ClientSession::ClientSession(ClientSessionHost& host, tcp::socket socket, ConnId id, const asio::ip::address& source)
    : host_(host),
      socket_(std::move(socket)),
      idle_(host.io()),
      id_(id),
      who_("client#" + std::to_string(id)),
      source_(source),
      cap_(host.limits().max_queued_output_bytes),
      framer_(Limits::max_line_bytes),
      out_(static_cast<std::size_t>(-1)),
      rbuf_(new char[kReadChunk]),
      last_progress_(std::chrono::steady_clock::now()) {}

void ClientSession::start() {
  boost::system::error_code ec;
  socket_.set_option(tcp::no_delay(true), ec);
  if (host_.log().enabled()) {
    const auto ep = socket_.remote_endpoint(ec);
    host_.log().event(who_ + " connected from " + (ec ? std::string("?") : ep.address().to_string() + ":" + std::to_string(ep.port())));
  }
  arm_idle();
  read();
}

void ClientSession::read() {
  // Input not yet handed on is finished first: memory stays bounded by one read.
  if (closed_ || eof_ || reading_ || framing_ || paused() || input_pos_ < input_.size()) return;
  reading_ = true;
  socket_.async_read_some(asio::buffer(rbuf_.get(), kReadChunk),
                          [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                            self->on_read(ec, n);
                          });
}

void ClientSession::on_line(std::string_view line, bool oversized) {
  if (closed_) return;  // the node closed us mid-batch (queue cap): ignore the rest
  host_.log().lines(who_, '<', line);
  // Every line with a field gets exactly one reply; blank lines get none.
  const auto first = line.find_first_not_of(" \t\r\n\f\v");
  if (oversized || first != std::string_view::npos) {
    const bool whatsat = !oversized && line.substr(first).starts_with("WHATSAT");
    const std::size_t r = whatsat ? std::max(cap_ / 32, host_.largest_whatsat_reply()) : line.size() + 64;
    reservations_.push_back({r, whatsat});
    reserved_ += r;
  }
  if (oversized) {
    host_.log().event(who_ + " sent a line over " + std::to_string(Limits::max_line_bytes) +
                 " bytes: answered with '? ' and its first " + std::to_string(Limits::max_line_bytes) +
                 " bytes; the rest of the line is discarded unread");
  }
  host_.client_line(id_, line, oversized);
}

void ClientSession::process_input() {
  if (framing_) return;  // a reply sent from inside the node call below
  framing_ = true;
  auto sink = [this](std::string_view line, bool oversized) { on_line(line, oversized); };
  while (!closed_ && input_pos_ < input_.size() && !paused()) {
    // One line at a time (a trailing partial line goes to the framer's buffer).
    const auto nl = input_.find('\n', input_pos_);
    const std::size_t end = nl == std::string::npos ? input_.size() : nl + 1;
    framer_.feed(std::string_view(input_).substr(input_pos_, end - input_pos_), sink);
    input_pos_ = end;
  }
  framing_ = false;
  if (input_pos_ == input_.size()) {
    input_.clear();
    input_pos_ = 0;
  }
}

void ClientSession::on_read(const boost::system::error_code& ec, std::size_t n) {
  reading_ = false;
  if (closed_) return;
  // What this read brings in and what is sent in answer share one stamp.
  const ServerLog::TimeHold hold(host_.log());
  if (ec) {
    if (ec == asio::error::eof) {
      // Half-close: answer every line received, then the node closes us.
      eof_ = true;
      framer_.finish([this](std::string_view line, bool oversized) { on_line(line, oversized); });
      host_.log().event(who_ + " finished sending (half-close)");
      if (!closed_) host_.client_eof(id_);
    } else if (ec != asio::error::operation_aborted) {
      abort("read failed: " + ec.message());
    }
    return;
  }
  last_progress_ = std::chrono::steady_clock::now();
  input_.append(rbuf_.get(), n);
  process_input();
  read();
}

void ClientSession::send(std::string_view bytes) {
  if (closed_) return;
  host_.log().lines(who_, '>', bytes);
  out_.append(bytes);  // bounded by the flow control above, never refused
  if (!reservations_.empty()) {
    const Reservation r = reservations_.front();
    reservations_.pop_front();
    reserved_ -= r.bytes;
    if (r.whatsat) {
      std::size_t& largest = host_.largest_whatsat_reply();
      largest = std::max(largest, bytes.size());
    }
  }
  // Resumes input if it paused for unanswered commands. This runs inside a
  // node call, so handing the next line on now would re-enter the node
  // (herd/context.h): unless process_input() is what called the node (its
  // loop goes on by itself), resuming is posted; before the write is, so
  // replies to the resumed lines can still join that write.
  if (!framing_ && !resume_posted_ && input_pos_ < input_.size()) {
    resume_posted_ = true;
    asio::post(host_.io(), [self = shared_from_this()] {
      self->resume_posted_ = false;
      self->process_input();
      self->read();
    });
  }
  schedule_write();
  read();
}

void ClientSession::schedule_write() {
  if (write_scheduled_ || out_.writing()) return;
  // Posted so that every reply produced by one batch of input leaves in one
  // write.
  write_scheduled_ = true;
  asio::post(host_.io(), [self = shared_from_this()] { self->write(); });
}

void ClientSession::write() {
  write_scheduled_ = false;
  if (closed_ || out_.writing()) return;
  if (!out_.has_pending()) {
    if (closing_) finish("closed after its last reply");
    return;
  }
  const std::string& buf = out_.start_write();
  asio::async_write(socket_, asio::buffer(buf),
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                      self->on_write(ec);
                    });
}

void ClientSession::on_write(const boost::system::error_code& ec) {
  out_.write_done();
  if (closed_) return;
  if (ec) {
    abort("write failed: " + ec.message());
    return;
  }
  last_progress_ = std::chrono::steady_clock::now();
  if (out_.has_pending()) {
    write();
  } else if (closing_) {
    finish("closed after its last reply");
  }
  process_input();  // resumes if it paused for a full queue
  read();
}

void ClientSession::close_when_flushed() {
  if (closed_) return;
  closing_ = true;
  if (!out_.writing() && !out_.has_pending() && !write_scheduled_) finish("closed after its last reply");
}

void ClientSession::arm_idle() {
  const auto timeout = std::chrono::milliseconds(host_.limits().idle_timeout_ms);
  idle_.expires_at(last_progress_ + timeout);
  idle_.async_wait([self = shared_from_this(), timeout](const boost::system::error_code& ec) {
    if (ec || self->closed_) return;
    if (std::chrono::steady_clock::now() - self->last_progress_ >= timeout) {
      self->abort("idle for " + std::to_string(timeout.count()) + " ms (limits.idle_timeout_ms)");
    } else {
      self->arm_idle();
    }
  });
}

void ClientSession::finish(std::string_view reason) {
  if (closed_) return;
  auto self = shared_from_this();  // the map may hold the last reference
  closed_ = true;
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  idle_.cancel();
  host_.log().event(who_ + " " + std::string(reason));
  host_.client_closed(id_, source_);
}

void ClientSession::abort(std::string_view reason) { finish(std::string("dropped: ") + std::string(reason)); }

}  // namespace herd::live
