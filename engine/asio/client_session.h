#pragma once
// One client connection (internal to the Asio driver). Lines in go to the
// node; the node's replies come back through send() and leave in the order
// the node produced them (the node already orders them by command).
//
// Bounds: LineFramer caps a line at kMaxLineBytes; the output queue is capped
// at limits.max_queued_output_bytes (over it: the client is disconnected and
// the log says so); no input or output progress for limits.idle_timeout_ms
// closes the connection.
//
// Flow control, so that a pipelining client that does read is slowed, not
// dropped: lines are handed to the node one at a time, and handing stops
// (and reading with it) while the queued output plus what the unanswered
// commands may still produce passes half the cap. An unanswered WHATSAT
// counts cap/32 bytes (its reply carries up to 20 places: ~20 KB offline,
// more from Google), any other line its own length plus 64; at most
// kMaxUnanswered commands wait at once. A 64 KiB read full of WHATSATs is
// thus answered 16 at a time instead of queueing a thousand replies.
#include <chrono>
#include <deque>
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
  void on_line(std::string_view line, bool oversized);
  // Hands buffered input to the node, line by line, while not paused.
  void process_input();
  void schedule_write();
  void write();
  void on_write(const boost::system::error_code& ec);
  void arm_idle();
  void finish(std::string_view reason);
  bool paused() const {
    return out_.size() + reserved_ > cap_ / 2 || reservations_.size() >= kMaxUnanswered;
  }

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
  // Per command handed to the node whose reply is not queued yet, in command
  // order: the output it may still produce (see above); reserved_ is the sum.
  std::deque<std::size_t> reservations_;
  std::size_t reserved_ = 0;
  std::string input_;          // read, not yet handed to the node (from input_pos_)
  std::size_t input_pos_ = 0;
  bool reading_ = false;
  bool framing_ = false;  // inside process_input()
  bool write_scheduled_ = false;
  bool eof_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace herd::live
