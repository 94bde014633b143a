#pragma once
// One client connection (internal to the Asio driver). Lines in go to the
// node; the node's replies come back through send() and leave in the order
// the node produced them (the node already orders them by command).
//
// Bounds: LineFramer caps a line at kMaxLineBytes; the output queue is capped
// at limits.max_queued_output_bytes (over it: the client is disconnected and
// the log says so); reading pauses while more than half the cap is queued, so
// a pipelining client that does read is slowed, not dropped; no input or
// output progress for limits.idle_timeout_ms closes the connection; reading
// also pauses while kMaxUnanswered commands await their replies.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "engine/asio/output_queue.h"
#include "engine/asio/server_state.h"
#include "herd/line_framer.h"

namespace herd::live {

class ClientSession final : public std::enable_shared_from_this<ClientSession> {
 public:
  // Reading pauses while this many commands wait for replies (e.g. WHATSATs
  // behind a slow places lookup), bounding the node's per-connection queue.
  static constexpr std::size_t kMaxUnanswered = 1024;

  ClientSession(ServerState& s, tcp::socket socket, ConnId id);
  void start();
  void send(std::string_view bytes);  // NodeContext::send_to_client
  void close_when_flushed();          // NodeContext::close_client
  void abort(std::string_view reason);

 private:
  void read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void schedule_write();
  void write();
  void on_write(const boost::system::error_code& ec);
  void arm_idle();
  void finish(std::string_view reason);
  bool paused() const { return out_.size() > cap_ / 2 || unanswered_ >= kMaxUnanswered; }

  ServerState& s_;
  tcp::socket socket_;
  asio::steady_timer idle_;
  ConnId id_;
  std::string who_;
  std::size_t cap_;
  LineFramer framer_;
  OutputQueue out_;
  std::unique_ptr<char[]> rbuf_;
  std::chrono::steady_clock::time_point last_progress_;
  std::size_t unanswered_ = 0;  // commands read whose reply has not been queued yet
  bool reading_ = false;
  bool framing_ = false;  // inside framer_.feed(): rbuf_ is in use
  bool write_scheduled_ = false;
  bool eof_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace herd::live
