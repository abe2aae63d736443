#include "exporters/notifiers_common/http_post.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>

namespace specwatch {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMinAnswerRead = 1 << 20;

http::verb verb_of(HttpPostRequest::Method method) {
  switch (method) {
    case HttpPostRequest::Method::kPut:
      return http::verb::put;
    case HttpPostRequest::Method::kGet:
      return http::verb::get;
    case HttpPostRequest::Method::kPost:
      break;
  }
  return http::verb::post;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view text) {
  std::uint64_t seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return std::chrono::seconds(seconds);
}

// Runs one asynchronous step on `io` until it completes; the stream's expiry bounds it.
template <typename Start>
beast::error_code run_step(asio::io_context& io, Start start) {
  beast::error_code result = asio::error::would_block;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  io.restart();
  io.run();
  return result;
}

std::string describe(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return "timed out";
  return ec.message();
}

template <typename Stream>
HttpPostResult exchange(asio::io_context& io, Stream& stream, beast::tcp_stream& layer,
                        const HttpPostRequest& request, Clock::time_point deadline) {
  HttpPostResult result;
  http::request<http::string_body> message{verb_of(request.method), request.url.target, 11};
  message.set(http::field::host, request.url.host);
  message.set(http::field::user_agent, "specwatch/" SPECWATCH_VERSION);
  if (request.method != HttpPostRequest::Method::kGet) {
    message.set(http::field::content_type, request.content_type);
  }
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = request.body;
  message.prepare_payload();
  layer.expires_at(deadline);
  if (auto ec = run_step(io, [&](auto handler) { http::async_write(stream, message, handler); })) {
    result.error = "cannot send the request: " + describe(ec);
    return result;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::max(kMinAnswerRead, request.keep_answer_bytes));
  if (auto ec =
          run_step(io, [&](auto handler) { http::async_read(stream, buffer, parser, handler); })) {
    result.error = "cannot read the answer: " + describe(ec);
    return result;
  }
  const auto& answer = parser.get();
  result.status = answer.result_int();
  result.body = answer.body().substr(0, request.keep_answer_bytes);
  if (auto it = answer.find(http::field::retry_after); it != answer.end()) {
    result.retry_after =
        parse_retry_after(std::string_view(it->value().data(), it->value().size()));
  }
  return result;
}

}  // namespace

std::optional<HttpUrl> HttpUrl::parse(std::string_view url, std::string& error) {
  HttpUrl out;
  if (url.starts_with("https://")) {
    out.tls = true;
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    error = "must start with http:// or https://";
    return std::nullopt;
  }
  const std::size_t slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  if (out.target.front() == '?') out.target.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) {
    error = "must not carry credentials (use the basic_auth settings)";
    return std::nullopt;
  }
  std::size_t colon = authority.rfind(':');
  if (!authority.empty() && authority.front() == '[') {  // [::1]:9093
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      error = "unterminated IPv6 address";
      return std::nullopt;
    }
    out.host = std::string(authority.substr(1, close - 1));
    colon = authority.size() > close + 1 && authority[close + 1] == ':' ? close + 1
                                                                        : std::string_view::npos;
  } else {
    out.host = std::string(authority.substr(0, colon));
  }
  if (colon != std::string_view::npos) {
    out.port = std::string(authority.substr(colon + 1));
    unsigned port = 0;
    auto [end, ec] = std::from_chars(out.port.data(), out.port.data() + out.port.size(), port);
    if (ec != std::errc() || end != out.port.data() + out.port.size() || port == 0 ||
        port > 65535) {
      error = "invalid port";
      return std::nullopt;
    }
  } else {
    out.port = out.tls ? "443" : "80";
  }
  if (out.host.empty()) {
    error = "has no host";
    return std::nullopt;
  }
  return out;
}

std::string HttpUrl::redacted() const {
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" + port;
}

HttpPostResult http_post(const HttpPostRequest& request, const TlsSettings& tls,
                         std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  asio::io_context io;
  HttpPostResult result;
  tcp::resolver resolver(io);
  tcp::resolver::results_type endpoints;
  beast::error_code resolve_error = run_step(io, [&](auto handler) {
    resolver.async_resolve(request.url.host, request.url.port,
                           [&endpoints, handler](beast::error_code ec, auto found) mutable {
                             endpoints = found;
                             handler(ec);
                           });
  });
  if (resolve_error) {
    result.error = "cannot resolve " + request.url.redacted() + ": " + describe(resolve_error);
    return result;
  }
  const std::string where = request.url.redacted();
  if (!request.url.tls) {
    beast::tcp_stream stream(io);
    stream.expires_at(deadline);
    if (auto ec = run_step(io, [&](auto handler) { stream.async_connect(endpoints, handler); })) {
      result.error = "cannot connect to " + where + ": " + describe(ec);
      return result;
    }
    result = exchange(io, stream, stream, request, deadline);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  } else {
    asio::ssl::context context(asio::ssl::context::tls_client);
    beast::error_code ec;
    if (tls.insecure_skip_verify) {
      context.set_verify_mode(asio::ssl::verify_none);
    } else {
      context.set_verify_mode(asio::ssl::verify_peer);
      if (tls.ca_file.empty()) {
        context.set_default_verify_paths(ec);
      } else {
        context.load_verify_file(tls.ca_file, ec);
      }
      if (ec) {
        result.error = "cannot load the CA certificates: " + ec.message();
        return result;
      }
      context.set_verify_callback(asio::ssl::host_name_verification(request.url.host));
    }
    beast::ssl_stream<beast::tcp_stream> stream(io, context);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), request.url.host.c_str())) {
      result.error = "cannot set the TLS server name";
      return result;
    }
    auto& layer = beast::get_lowest_layer(stream);
    layer.expires_at(deadline);
    if (auto e = run_step(io, [&](auto handler) { layer.async_connect(endpoints, handler); })) {
      result.error = "cannot connect to " + where + ": " + describe(e);
      return result;
    }
    if (auto e = run_step(io, [&](auto handler) {
          stream.async_handshake(asio::ssl::stream_base::client, handler);
        })) {
      result.error = "TLS handshake with " + where + " failed: " + describe(e);
      return result;
    }
    result = exchange(io, stream, layer, request, deadline);
    layer.expires_after(std::chrono::milliseconds(500));
    run_step(io, [&](auto handler) { stream.async_shutdown(handler); });
  }
  if (!result.error.empty()) result.error += " (" + where + ")";
  return result;
}

}  // namespace specwatch
