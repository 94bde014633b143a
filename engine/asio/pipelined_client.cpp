#include "engine/asio/pipelined_client.h"

#include <array>
#include <deque>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace herd::live {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Only a reply line's first bytes decide anything; the rest is kept up to
// here for the "reply to no command" message.
constexpr std::size_t kKeptLineBytes = 200;

}  // namespace

struct PipelinedClient::Impl : std::enable_shared_from_this<PipelinedClient::Impl> {
  struct Command {
    Clock::time_point sent;
    bool whatsat;
  };

  Impl(asio::io_context& io, std::string n) : socket(io), name(std::move(n)) {}

  void connect(const std::string& host, std::uint16_t port) {
    boost::system::error_code ec;
    tcp::resolver resolver(socket.get_executor());
    const auto addresses = resolver.resolve(host, std::to_string(port), ec);
    if (!ec) asio::connect(socket, addresses, ec);
    if (ec) {
      throw std::runtime_error("client connection to " + name + ": connect to " + host + ":" + std::to_string(port) +
                               ": " + ec.message());
    }
    socket.set_option(tcp::no_delay(true));
    connected = true;
    read_more();
    write_more();
  }

  void send(std::string_view line, bool whatsat) {
    if (closing) return;
    pending.append(line);
    pending += '\n';
    expect.push_back({Clock::now(), whatsat});
    // The write starts after the handler that sent returns, so what one
    // handler sends goes out in one write.
    if (writing || write_posted || !connected) return;
    write_posted = true;
    asio::post(socket.get_executor(), [self = shared_from_this()] {
      self->write_posted = false;
      self->write_more();
    });
  }

  void close() {
    closing = true;
    boost::system::error_code ec;
    socket.close(ec);
  }

  void write_more() {
    if (writing || !connected || pending.empty() || closing) return;
    writing = true;
    out.swap(pending);
    pending.clear();
    asio::async_write(socket, asio::buffer(out),
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                        self->writing = false;
                        self->out.clear();
                        if (self->closing) return;
                        if (ec) return self->fail("write: " + ec.message());
                        self->write_more();
                      });
  }

  void read_more() {
    socket.async_read_some(asio::buffer(buf),
                           [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                             if (self->closing) return;
                             if (ec) {
                               return self->fail(ec == asio::error::eof ? std::string("closed by the server")
                                                                        : "read: " + ec.message());
                             }
                             self->on_bytes(std::string_view(self->buf.data(), n));
                             if (!self->closing) self->read_more();
                           });
  }

  void on_bytes(std::string_view bytes) {
    received = Clock::now();
    while (!bytes.empty() && !closing) {
      const auto nl = bytes.find('\n');
      const auto part = bytes.substr(0, nl);
      if (line.size() < kKeptLineBytes) line.append(part.substr(0, kKeptLineBytes - line.size()));
      if (nl == std::string_view::npos) break;
      bytes.remove_prefix(nl + 1);
      on_line();
      line.clear();
    }
  }

  void on_line() {
    if (expect.empty()) return fail("a reply to no command: " + line);
    const Command c = expect.front();
    bool done = true;
    bool accepted = true;
    if (!c.whatsat) {
      accepted = line.starts_with("AT ");
      if (!accepted) ++rejected;
    } else if (in_body) {
      done = line.empty();  // a WHATSAT reply ends with a blank line
    } else if (line.starts_with("? ")) {
      accepted = false;
    } else {
      in_body = true;  // the AT line; the JSON follows
      done = false;
    }
    if (!done) return;
    in_body = false;
    expect.pop_front();
    ++replies;
    if (reply_handler) reply_handler(Reply{c.whatsat, accepted, c.sent, received});
  }

  void fail(const std::string& what) {
    if (closing) return;
    error = "client connection to " + name + ": " + what;
    close();
    if (error_handler) error_handler(error);
  }

  tcp::socket socket;
  std::string name;
  std::string pending, out, line, error;
  std::deque<Command> expect;
  std::array<char, 64 * 1024> buf{};
  Clock::time_point received;
  ReplyHandler reply_handler;
  ErrorHandler error_handler;
  bool connected = false, writing = false, write_posted = false, closing = false;
  bool in_body = false;
  std::uint64_t replies = 0, rejected = 0;
};

PipelinedClient::PipelinedClient(asio::io_context& io, std::string name)
    : impl_(std::make_shared<Impl>(io, std::move(name))) {}

PipelinedClient::PipelinedClient(asio::io_context& io, std::string name, const std::string& host, std::uint16_t port)
    : PipelinedClient(io, std::move(name)) {
  connect(host, port);
}

PipelinedClient::~PipelinedClient() { impl_->close(); }

void PipelinedClient::connect(const std::string& host, std::uint16_t port) { impl_->connect(host, port); }
void PipelinedClient::on_reply(ReplyHandler handler) { impl_->reply_handler = std::move(handler); }
void PipelinedClient::on_error(ErrorHandler handler) { impl_->error_handler = std::move(handler); }
void PipelinedClient::send(std::string_view line, bool whatsat) { impl_->send(line, whatsat); }
void PipelinedClient::close() { impl_->close(); }
std::size_t PipelinedClient::outstanding() const { return impl_->expect.size(); }
std::uint64_t PipelinedClient::replies() const { return impl_->replies; }
std::uint64_t PipelinedClient::rejected_iamats() const { return impl_->rejected; }
const std::string& PipelinedClient::error() const { return impl_->error; }
const std::string& PipelinedClient::name() const { return impl_->name; }

}  // namespace herd::live
