// The request and response types seen by route handlers of HttpServer. They are plain values with
// no Beast types, so handlers (admin endpoints now, OTLP/HTTP receivers later) need not include
// Boost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace specwatch {

enum class HttpMethod : std::uint8_t { kGet, kHead, kPost, kPut, kDelete, kPatch, kOptions };

std::string_view to_string(HttpMethod method);
// Exact, upper-case method token as sent on the wire ("GET"); nullopt for any other token.
std::optional<HttpMethod> parse_http_method(std::string_view token);

// Request headers in arrival order; names are compared case-insensitively.
class HttpHeaders {
 public:
  void add(std::string name, std::string value);
  // Value of the first header called `name`, or nullopt.
  std::optional<std::string_view> get(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

struct HttpRequest {
  HttpMethod method = HttpMethod::kGet;
  std::string target;  // as sent, e.g. "/metrics?name=x"
  std::string path;    // target before '?', e.g. "/metrics"
  std::string query;   // target after '?', without it; empty if none
  HttpHeaders headers;
  std::string body;
  std::string remote_address;  // "127.0.0.1:53012"
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type;  // no Content-Type header when empty
  std::string body;
  // Further headers (Content-Length, Connection and Server are set by the server).
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse json(unsigned status, std::string body);
  // {"error":"<message>"} with the message JSON-escaped.
  static HttpResponse json_error(unsigned status, std::string_view message);
  static HttpResponse text(unsigned status, std::string body);
};

}  // namespace specwatch
