// A minimal blocking HTTP/1.1 client on a raw POSIX socket for tests: it sends exactly the bytes
// it is given, so tests can also send malformed or partial requests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace specwatch::testing {

struct TestHttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  // Value of the first header named `name` (lower-case), or "<absent>".
  std::string header(std::string_view name) const;
  std::size_t header_count(std::string_view name) const;
};

class TestHttpClient {
 public:
  // Connects to 127.0.0.1:port; throws std::runtime_error on failure. Every read gives up after
  // 5 s so that a broken server fails the test instead of hanging it.
  explicit TestHttpClient(std::uint16_t port);
  ~TestHttpClient();
  TestHttpClient(const TestHttpClient&) = delete;
  TestHttpClient& operator=(const TestHttpClient&) = delete;

  void send(std::string_view bytes);
  // Reads one response. `head` = the request was HEAD, so no body follows whatever
  // Content-Length says. nullopt if the connection closed (or timed out) first.
  std::optional<TestHttpResponse> read_response(bool head = false);
  // Sends a request with Host and Content-Length headers and reads the response.
  std::optional<TestHttpResponse> request(std::string_view method, std::string_view target,
                                          std::string_view body = {},
                                          std::string_view extra_headers = {});
  // True if the server closed the connection: a read returns end of file (or a reset).
  bool peer_closed();

 private:
  bool fill();  // reads more bytes into buffer_; false on EOF, error or timeout
  int fd_ = -1;
  std::string buffer_;
};

// GET with a fresh connection.
std::optional<TestHttpResponse> http_get(std::uint16_t port, std::string_view target);

}  // namespace specwatch::testing
