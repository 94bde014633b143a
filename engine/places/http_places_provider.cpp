#include "engine/places/http_places_provider.h"

// <utility> first: Boost 1.74's awaitable.hpp uses std::exchange without it.
#include <utility>

#include <deque>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace herd::places {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

namespace {

// One kept-alive connection, plain or TLS.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*secure); }
};

PlacesResult failure(std::string message) {
  PlacesResult r;
  r.ok = false;
  r.status = "UNKNOWN_ERROR";
  r.error_message = std::move(message);
  return r;
}

}  // namespace

struct HttpPlacesProvider::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& io, HttpProviderConfig cfg)
      : io(io), config(std::move(cfg)), tls_context(ssl::context::tls_client), resolver(io) {
    if (config.base_url.empty()) {
      config.base_url = config.api == GoogleApi::Legacy ? kLegacyBaseUrl : kNewBaseUrl;
    }
    std::string error;
    auto parsed = parse_base_url(config.base_url, &error);
    if (!parsed) throw std::invalid_argument("places base URL '" + config.base_url + "': " + error);
    base = *parsed;
    if (config.max_in_flight == 0) config.max_in_flight = 1;
    tls_context.set_verify_mode(ssl::verify_peer);
    tls_context.set_default_verify_paths();
    if (!config.ca_file.empty()) {
      boost::system::error_code ec;
      tls_context.load_verify_file(config.ca_file, ec);
      if (ec) throw std::invalid_argument("places CA file '" + config.ca_file + "': " + ec.message());
    }
  }

  struct Waiting {
    PlacesQuery query;
    Done done;
  };

  void lookup(const PlacesQuery& q, Done done) {
    if (in_flight < config.max_in_flight) return start(q, std::move(done));
    if (waiting.size() >= config.max_queued) {
      ++stats.failures;
      asio::post(io, [done = std::move(done), limit = config.max_queued] {
        done(failure("too many places lookups waiting (limit " + std::to_string(limit) + ")"));
      });
      return;
    }
    waiting.push_back({q, std::move(done)});
  }

  void start(const PlacesQuery& q, Done done) {
    ++in_flight;
    stats.max_in_flight_seen = std::max(stats.max_in_flight_seen, in_flight);
    auto self = shared_from_this();
    asio::co_spawn(io, fetch(q), [self, done = std::move(done)](std::exception_ptr ep, PlacesResult r) {
      if (ep) {
        ++self->stats.failures;
        try {
          std::rethrow_exception(ep);
        } catch (const boost::system::system_error& e) {
          r = failure(e.code() == beast::error::timeout
                          ? "places lookup timed out after " + std::to_string(self->config.timeout.count()) + " ms"
                          : std::string("places lookup failed: ") + e.what());
        } catch (const std::exception& e) {
          r = failure(std::string("places lookup failed: ") + e.what());
        }
      }
      --self->in_flight;
      done(std::move(r));
      if (!self->waiting.empty() && self->in_flight < self->config.max_in_flight) {
        Waiting w = std::move(self->waiting.front());
        self->waiting.pop_front();
        self->start(w.query, std::move(w.done));
      }
    });
  }

  awaitable<std::unique_ptr<Connection>> connect(std::chrono::steady_clock::time_point deadline) {
    auto endpoints = co_await resolver.async_resolve(base.host, base.port, use_awaitable);
    auto conn = std::make_unique<Connection>();
    if (base.tls) {
      conn->secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, tls_context);
      // SNI, so virtual hosts present the right certificate.
      if (!SSL_set_tlsext_host_name(conn->secure->native_handle(), base.host.c_str())) {
        throw boost::system::system_error(
            boost::system::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
      }
      conn->secure->set_verify_callback(ssl::host_name_verification(base.host));
    } else {
      conn->plain = std::make_unique<beast::tcp_stream>(io);
    }
    conn->lowest().expires_at(deadline);
    co_await conn->lowest().async_connect(endpoints, use_awaitable);
    if (base.tls) {
      conn->lowest().expires_at(deadline);
      co_await conn->secure->async_handshake(ssl::stream_base::client, use_awaitable);
    }
    ++stats.connections_opened;
    co_return conn;
  }

  awaitable<PlacesResult> fetch(PlacesQuery q) {
    const auto deadline = std::chrono::steady_clock::now() + config.timeout;
    const HttpRequestSpec spec =
        config.api == GoogleApi::Legacy ? legacy_request(base, q, config.api_key) : new_request(base, q, config.api_key);
    http::request<http::string_body> req{http::string_to_verb(spec.method), spec.target, 11};
    req.set(http::field::host, base.host);
    req.set(http::field::user_agent, "herd/0.1");
    for (const auto& [name, value] : spec.headers) req.set(name, value);
    req.body() = spec.body;
    req.keep_alive(true);
    req.prepare_payload();

    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<Connection> conn;
      const bool reused = !idle.empty();
      if (reused) {
        conn = std::move(idle.back());
        idle.pop_back();
      } else {
        conn = co_await connect(deadline);
      }
      http::response<http::string_body> res;
      boost::system::error_code ec;
      conn->lowest().expires_at(deadline);
      ++stats.requests_sent;
      if (conn->plain) {
        co_await http::async_write(*conn->plain, req, asio::redirect_error(use_awaitable, ec));
        if (!ec) co_await http::async_read(*conn->plain, conn->buffer, res, asio::redirect_error(use_awaitable, ec));
      } else {
        co_await http::async_write(*conn->secure, req, asio::redirect_error(use_awaitable, ec));
        if (!ec) co_await http::async_read(*conn->secure, conn->buffer, res, asio::redirect_error(use_awaitable, ec));
      }
      if (ec) {
        // A kept-alive connection the server already closed fails at once:
        // that is not the lookup's fault, so it gets a fresh connection.
        const bool stale = reused && ec != beast::error::timeout;
        if (stale || (attempt < config.retries && ec != beast::error::timeout)) continue;
        throw boost::system::system_error(ec);
      }
      if (res.keep_alive() && idle.size() < config.max_in_flight) idle.push_back(std::move(conn));
      const int status = static_cast<int>(res.result_int());
      if (status >= 500 && attempt < config.retries) continue;
      co_return config.api == GoogleApi::Legacy ? legacy_response(status, res.body())
                                                : new_response(status, res.body());
    }
  }

  asio::io_context& io;
  HttpProviderConfig config;
  BaseUrl base;
  ssl::context tls_context;
  tcp::resolver resolver;
  std::vector<std::unique_ptr<Connection>> idle;
  std::deque<Waiting> waiting;
  std::size_t in_flight = 0;
  Stats stats;
};

HttpPlacesProvider::HttpPlacesProvider(asio::io_context& io, HttpProviderConfig config)
    : impl_(std::make_shared<Impl>(io, std::move(config))) {}

HttpPlacesProvider::~HttpPlacesProvider() {
  impl_->idle.clear();
  impl_->waiting.clear();
}

void HttpPlacesProvider::lookup(const PlacesQuery& q, Done done) { impl_->lookup(q, std::move(done)); }

HttpPlacesProvider::Stats HttpPlacesProvider::stats() const { return impl_->stats; }

}  // namespace herd::places
