// One HTTP(S) request (POST unless told) with a deadline, for notifiers and exporters (Boost.Beast;
// TLS through OpenSSL with the system's or a given CA bundle, SNI and host name verification). A
// URL may carry a secret in its path (a Slack webhook): HttpUrl::redacted() is what may be logged.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "exporters/notifiers_common/notifier_common_config.h"

namespace specwatch {

struct HttpUrl {
  bool tls = false;
  std::string host;
  std::string port;    // "443" / "80" when the URL has none
  std::string target;  // path and query, "/" at least

  // http:// or https:// URLs only; nullopt with `error` set otherwise. The error never repeats
  // the URL (it may be a secret).
  static std::optional<HttpUrl> parse(std::string_view url, std::string& error);
  // scheme://host:port, without the path (which may hold a token).
  std::string redacted() const;
};

struct HttpPostRequest {
  enum class Method : std::uint8_t { kPost, kPut, kGet };
  HttpUrl url;
  Method method = Method::kPost;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // How much of the answer's body is kept (an Elasticsearch bulk answer is read whole).
  std::size_t keep_answer_bytes = 4096;
};

struct HttpPostResult {
  unsigned status = 0;  // 0: no answer (error says why)
  std::string body;     // at most request.keep_answer_bytes of the answer
  std::optional<std::chrono::seconds> retry_after;  // Retry-After in seconds, when given
  std::string error;
};

HttpPostResult http_post(const HttpPostRequest& request, const TlsSettings& tls,
                         std::chrono::milliseconds timeout);

}  // namespace specwatch
