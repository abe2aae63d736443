// The tests' one HTTP/1.1 client, on a raw POSIX socket: it sends exactly the bytes it is given,
// so unit tests can also send malformed or partial requests, and integration tests use the
// one-shot helpers (http_request, http_get) against the real binary.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace specwatch::testing {

struct HttpResponse {
  int status = 0;  // 0 when there was no answer (connection refused, closed or timed out)
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  // Value of the first header named `name` (lower-case), or "<absent>".
  std::string header(std::string_view name) const;
  std::size_t header_count(std::string_view name) const;
  // "name: value" lines, for failure messages.
  std::string header_text() const;
};

class TestHttpClient {
 public:
  // Connects to 127.0.0.1:port; throws std::runtime_error on failure. Every read gives up after
  // `timeout_seconds` so that a broken server fails the test instead of hanging it.
  explicit TestHttpClient(std::uint16_t port, int timeout_seconds = 5);
  ~TestHttpClient();
  TestHttpClient(const TestHttpClient&) = delete;
  TestHttpClient& operator=(const TestHttpClient&) = delete;

  // Throws when the peer stopped reading; `send_some` instead stops quietly (a server may answer
  // 413 and close before it has read a large body) and returns the bytes sent.
  void send(std::string_view bytes);
  std::size_t send_some(std::string_view bytes);
  // Reads one response. `head` = the request was HEAD, so no body follows whatever
  // Content-Length says. nullopt if the connection closed (or timed out) first.
  std::optional<HttpResponse> read_response(bool head = false);
  // Sends a request with Host and Content-Length headers and reads the response.
  std::optional<HttpResponse> request(std::string_view method, std::string_view target,
                                      std::string_view body = {},
                                      std::string_view extra_headers = {});
  // True if the server closed the connection: a read returns end of file (or a reset).
  bool peer_closed();

 private:
  bool fill();  // reads more bytes into buffer_; false on EOF, error or timeout
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection (Connection: close). Never throws: status 0 when there was
// no answer. `extra_headers`: further header lines, each "Name: value\r\n". The whole request is
// sent as far as the server reads it, even when it answers early.
HttpResponse http_request(std::uint16_t port, std::string_view method, std::string_view target,
                          std::string_view body = {}, std::string_view content_type = {},
                          std::string_view extra_headers = {});
inline HttpResponse http_get(std::uint16_t port, std::string_view target) {
  return http_request(port, "GET", target);
}

}  // namespace specwatch::testing
