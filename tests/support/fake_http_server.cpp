#include "tests/support/fake_http_server.h"

// <utility> first: Boost 1.74's awaitable.hpp uses std::exchange without it.
#include <utility>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace herd::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

struct FakeHttpServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, Handler h, bool tls)
      : io(io), handler(std::move(h)), tls(tls), tls_context(ssl::context::tls_server),
        acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}

  template <class Stream>
  awaitable<void> serve(Stream& stream, std::size_t conn_no, std::string sni) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      co_await http::async_read(stream, buffer, req, asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      RecordedRequest r;
      r.method = std::string(req.method_string());
      r.target = std::string(req.target());
      for (const auto& f : req) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = std::string(f.value());
      }
      r.body = req.body();
      r.sni = sni;
      r.connection = conn_no;
      requests.push_back(r);
      ++concurrent;
      max_concurrent = std::max(max_concurrent, concurrent);
      CannedReply reply = handler(r);
      if (reply.delay.count() > 0) {
        asio::steady_timer t(io, reply.delay);
        co_await t.async_wait(asio::redirect_error(use_awaitable, ec));
      }
      --concurrent;
      http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
      res.set(http::field::content_type, "application/json; charset=UTF-8");
      res.body() = reply.body;
      res.keep_alive(!reply.close && req.keep_alive());
      res.prepare_payload();
      co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
      if (ec || reply.close || !req.keep_alive()) co_return;
    }
  }

  // `self` as a parameter keeps the server alive from the coroutine's creation,
  // not just from its first resumption.
  awaitable<void> connection([[maybe_unused]] std::shared_ptr<Impl> self, tcp::socket socket, std::size_t conn_no) {
    if (!tls) {
      beast::tcp_stream stream(std::move(socket));
      co_await serve(stream, conn_no, "");
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls_context);
    boost::system::error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      ++failed_handshakes;
      co_return;
    }
    const char* name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
    co_await serve(stream, conn_no, name ? name : "");
  }

  awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s = co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(io, connection(self, std::move(s), ++accepted), asio::detached);
    }
  }

  asio::io_context& io;
  Handler handler;
  bool tls;
  ssl::context tls_context;
  tcp::acceptor acceptor;
  std::vector<RecordedRequest> requests;
  std::size_t accepted = 0, concurrent = 0, max_concurrent = 0, failed_handshakes = 0;
};

FakeHttpServer::FakeHttpServer(asio::io_context& io, Handler handler, std::string cert_file, std::string key_file)
    : impl_(std::make_shared<Impl>(io, std::move(handler), !cert_file.empty())) {
  if (impl_->tls) {
    impl_->tls_context.use_certificate_chain_file(cert_file);
    impl_->tls_context.use_private_key_file(key_file, ssl::context::pem);
  }
  asio::co_spawn(io, impl_->accept_loop(impl_), asio::detached);
}

FakeHttpServer::~FakeHttpServer() {
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
}

unsigned short FakeHttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }
const std::vector<RecordedRequest>& FakeHttpServer::requests() const { return impl_->requests; }
std::size_t FakeHttpServer::connections_accepted() const { return impl_->accepted; }
std::size_t FakeHttpServer::max_concurrent_requests() const { return impl_->max_concurrent; }

bool make_test_certificate(const std::string& dir, std::string& cert, std::string& key) {
  cert = dir + "/cert.pem";
  key = dir + "/key.pem";
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + key + "' -out '" + cert +
                          "' -days 2 -subj /CN=localhost "
                          "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace herd::testing
