#pragma once
// A persistent client connection to a herd server that pipelines commands:
// send() queues a line and returns at once; replies are read as they come,
// matched to the commands in order (a server answers a connection's
// commands in the order they came, docs/protocol.md) and counted. An IAMAT's
// reply is one line; a WHATSAT's is one "? " line, or the AT line and the
// JSON up to a blank line. Used by `herd live` (harness/live_world.cpp) and the live load
// generator (bench/live_bench.cpp).
//
// This header has no Asio (pimpl); pass the io_context the connection runs
// on. Threading: every method, and every callback, runs on that
// io_context's one thread (construct and connect before it runs, or from
// its handlers). The object may be destroyed at any time; its handlers
// still queued keep its internals alive and do nothing.
//
// Writes batch: what one handler sends (a timer's, a reply callback's) goes
// out in one write, started once that handler returns; what is sent while a
// write is in flight goes out in the next.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace herd::live {

class PipelinedClient {
 public:
  using Clock = std::chrono::steady_clock;

  // One completed reply, handed to the reply callback.
  struct Reply {
    bool whatsat = false;   // the command was sent with whatsat = true
    bool accepted = false;  // IAMAT: the reply is an "AT " line; WHATSAT: it is not "? "
    Clock::time_point sent;      // when send() queued the command
    Clock::time_point received;  // when the read holding the reply's last line returned
  };
  using ReplyHandler = std::function<void(const Reply&)>;
  using ErrorHandler = std::function<void(const std::string& error)>;

  // `name` (usually the server's) appears in error() and connect's exceptions.
  PipelinedClient(boost::asio::io_context& io, std::string name);
  // The same, then connect(host, port).
  PipelinedClient(boost::asio::io_context& io, std::string name, const std::string& host, std::uint16_t port);
  ~PipelinedClient();  // close()
  PipelinedClient(const PipelinedClient&) = delete;
  PipelinedClient& operator=(const PipelinedClient&) = delete;

  // Connects (blocking: resolves host, tries each address; TCP_NODELAY on),
  // then starts reading and writes what send() queued before. Throws
  // std::runtime_error "client connection to NAME: connect to HOST:PORT: why".
  void connect(const std::string& host, std::uint16_t port);

  // Called for every completed reply, in command order (after the counters
  // below have counted it). It may call send() and close().
  void on_reply(ReplyHandler handler);
  // Called once when the connection fails (not after close()): a read or
  // write error, the server closing it, or a reply to no command. error()
  // then holds the message, and nothing more is sent or counted.
  void on_error(ErrorHandler handler);

  // Queues `line` plus "\n". `whatsat` says how to read its reply (above).
  // Ignored after close() or a failure.
  void send(std::string_view line, bool whatsat);
  // Closes the socket; nothing more is sent, read, counted or called back.
  // Idempotent.
  void close();

  // Commands sent whose reply is not complete yet.
  std::size_t outstanding() const;
  // Completed replies so far.
  std::uint64_t replies() const;
  // IAMAT replies that were not "AT " lines (the server refused the command).
  std::uint64_t rejected_iamats() const;
  // "" until the connection fails; then "client connection to NAME: what".
  const std::string& error() const;
  const std::string& name() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with the handlers in flight
};

}  // namespace herd::live
