#pragma once
// One client connection (internal to the Asio driver). Lines in go to the
// node; the node's replies come back through send() and leave in the order
// the node produced them (the node already orders them by command).
//
// Bounds: LineFramer caps a line at kMaxLineBytes; no input or output
// progress for limits.idle_timeout_ms closes the connection.
//
// Flow control, so that a pipelining client that does read is slowed, never
// dropped, whatever its replies' size: lines are handed to the node one at a
// time, and handing stops (and reading with it) while the queued output plus
// what the unanswered commands may still produce passes half of
// limits.max_queued_output_bytes. An unanswered WHATSAT counts as the
// largest WHATSAT reply this server has sent so far (at least cap/32), any
// other line its own length plus 64; at most kMaxUnanswered commands wait at
// once; and one command is always handed on when nothing is queued or
// waiting, so a reply larger than the cap still goes out. Replies are never
// refused: the queue holds at most half the cap plus what the estimate
// missed for the commands in flight.
//
// A client that never reads: its queue passes half the cap, the server stops
// reading its input, and after idle_timeout_ms with no progress the
// connection is closed.
//
// The node is never entered from inside one of its own calls (herd/context.h):
// lines go to it from this session's read and write completions; when a
// reply arrives from inside the node (send()) and input is waiting, handing
// it on is posted.
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/steady_timer.hpp>

#include "engine/asio/connection_host.h"
#include "engine/asio/output_queue.h"
#include "herd/line_framer.h"
#include "herd/types.h"

namespace herd::live {

// What a client connection sees of its server.
class ClientSessionHost : public ConnectionHost {
 public:
  // Flow control's estimate of a WHATSAT reply, shared by all of the
  // server's client connections: the largest one sent so far, in bytes.
  virtual std::size_t& largest_whatsat_reply() = 0;
  // Node inputs (Node::on_client_line, on_client_eof).
  virtual void client_line(ConnId id, std::string_view line, bool oversized) = 0;
  virtual void client_eof(ConnId id) = 0;
  // The connection is closed: forget it, and tell the node later (this may
  // run inside a node call).
  virtual void client_closed(ConnId id, const asio::ip::address& source) = 0;

 protected:
  ~ClientSessionHost() = default;
};

class ClientSession final : public std::enable_shared_from_this<ClientSession> {
 public:
  // Reading pauses while this many commands wait for replies (e.g. WHATSATs
  // behind a slow places lookup), bounding the node's per-connection queue.
  static constexpr std::size_t kMaxUnanswered = 1024;

  ClientSession(ClientSessionHost& host, tcp::socket socket, ConnId id, const asio::ip::address& source);
  void start();
  void send(std::string_view bytes);  // NodeContext::send_to_client
  void close_when_flushed();          // NodeContext::close_client
  void abort(std::string_view reason);
  const asio::ip::address& source() const { return source_; }
  std::chrono::steady_clock::time_point last_progress() const { return last_progress_; }

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
    if (out_.size() == 0 && reservations_.empty()) return false;
    return out_.size() + reserved_ > cap_ / 2 || reservations_.size() >= kMaxUnanswered;
  }

  ClientSessionHost& host_;
  tcp::socket socket_;
  asio::steady_timer idle_;
  ConnId id_;
  std::string who_;
  asio::ip::address source_;
  std::size_t cap_;
  LineFramer framer_;
  OutputQueue out_;
  std::unique_ptr<char[]> rbuf_;
  std::chrono::steady_clock::time_point last_progress_;
  // Per command handed to the node whose reply is not queued yet, in command
  // order: the output it may still produce (see above); reserved_ is the sum.
  struct Reservation {
    std::size_t bytes;
    bool whatsat;
  };
  std::deque<Reservation> reservations_;
  std::size_t reserved_ = 0;
  std::string input_;          // read, not yet handed to the node (from input_pos_)
  std::size_t input_pos_ = 0;
  bool reading_ = false;
  bool framing_ = false;  // inside process_input()
  bool resume_posted_ = false;  // process_input() is posted (send())
  bool write_scheduled_ = false;
  bool eof_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace herd::live
