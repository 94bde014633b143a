#pragma once
// One persistent client connection from `herd live`'s workload to one server.
// Commands are pipelined; replies are read as they come and counted (an
// IAMAT's reply is one line; a WHATSAT's is one "? " line, or the AT line and
// the JSON up to a blank line). Runs on the run's client io_context thread;
// a broken connection stops that io_context and keeps its error.
#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

namespace herd::harness {

class ClientConnection {
 public:
  ClientConnection(boost::asio::io_context& io, std::string server, std::uint16_t port)
      : io_(io), socket_(io), server_(std::move(server)) {
    socket_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    socket_.set_option(boost::asio::ip::tcp::no_delay(true));
    read_more();
  }

  void send(const std::string& line, bool whatsat) {
    pending_ += line;
    pending_ += '\n';
    expect_.push_back(whatsat);
    if (!writing_) write_more();
  }
  void close() {
    closing_ = true;
    boost::system::error_code ec;
    socket_.close(ec);
  }

  std::size_t outstanding() const { return expect_.size(); }
  std::uint64_t replies() const { return replies_; }
  std::uint64_t rejected_iamats() const { return rejected_; }
  const std::string& error() const { return error_; }
  const std::string& server() const { return server_; }

 private:
  void write_more() {
    if (pending_.empty() || closing_) return;
    writing_ = true;
    out_.swap(pending_);
    pending_.clear();
    boost::asio::async_write(socket_, boost::asio::buffer(out_), [this](const boost::system::error_code& ec, std::size_t) {
      writing_ = false;
      out_.clear();
      if (ec) return fail("write: " + ec.message());
      write_more();
    });
  }

  void read_more() {
    socket_.async_read_some(boost::asio::buffer(buf_), [this](const boost::system::error_code& ec, std::size_t n) {
      if (ec) return fail(ec == boost::asio::error::eof ? std::string("closed by the server") : "read: " + ec.message());
      on_bytes(std::string_view(buf_.data(), n));
      read_more();
    });
  }

  void on_bytes(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto nl = bytes.find('\n');
      if (nl == std::string_view::npos) {
        line_.append(bytes);
        return;
      }
      line_.append(bytes.substr(0, nl));
      bytes.remove_prefix(nl + 1);
      on_line();
      line_.clear();
    }
  }

  void on_line() {
    if (expect_.empty()) return fail("a reply to no command: " + line_);
    const bool whatsat = expect_.front();
    bool done = true;
    if (!whatsat) {
      if (!line_.starts_with("AT ")) ++rejected_;
    } else if (in_body_) {
      done = line_.empty();  // a WHATSAT reply ends with a blank line
    } else if (!line_.starts_with("? ")) {
      in_body_ = true;  // the AT line; the JSON follows
      done = false;
    }
    if (!done) return;
    in_body_ = false;
    expect_.pop_front();
    ++replies_;
  }

  void fail(const std::string& what) {
    if (closing_) return;
    if (error_.empty()) error_ = "client connection to " + server_ + ": " + what;
    closing_ = true;
    io_.stop();
  }

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::socket socket_;
  std::string server_;
  std::string pending_, out_, line_, error_;
  std::deque<bool> expect_;  // true: a WHATSAT
  std::array<char, 64 * 1024> buf_{};
  bool writing_ = false, closing_ = false, in_body_ = false;
  std::uint64_t replies_ = 0, rejected_ = 0;
};

}  // namespace herd::harness
