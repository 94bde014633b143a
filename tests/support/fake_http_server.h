#pragma once
// A real HTTP(S) server on loopback that tests start to stand in for Google.
// It records every request and answers with whatever the test's handler says.
// Runs on the test's io_context (single thread, no locking).
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace herd::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string sni;  // TLS server name the client sent ("" for plain HTTP)
  std::size_t connection = 0;  // which accepted connection carried it (1-based)
};

struct CannedReply {
  int status = 200;
  std::string body;
  std::chrono::milliseconds delay{0};  // wait this long before answering
  bool close = false;                   // close the connection after answering
};

class FakeHttpServer {
 public:
  using Handler = std::function<CannedReply(const RecordedRequest&)>;
  // Plain HTTP when cert_file is empty, else TLS with the given PEM files.
  FakeHttpServer(boost::asio::io_context& io, Handler handler, std::string cert_file = "",
                 std::string key_file = "");
  ~FakeHttpServer();
  unsigned short port() const;
  const std::vector<RecordedRequest>& requests() const;
  std::size_t connections_accepted() const;
  std::size_t max_concurrent_requests() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// Makes a self-signed certificate for "localhost" (and 127.0.0.1) with the
// openssl command; returns false if it could not.
bool make_test_certificate(const std::string& dir, std::string& cert, std::string& key);

}  // namespace herd::testing
