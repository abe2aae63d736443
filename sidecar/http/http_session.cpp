#include "sidecar/http/http_session.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <exception>
#include <limits>
#include <utility>

namespace specwatch {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

namespace {

// Bounds on reading and discarding an unwanted request body before closing; see linger().
constexpr std::size_t kMaxDrainBytes = 8 * 1024 * 1024;
constexpr std::chrono::milliseconds kMaxDrainTime{2000};
// Read room given to a request body: see on_header().
constexpr std::size_t kMaxReadRoom = 64 * 1024;
constexpr std::size_t kChunkedReadRoom = 16 * 1024;
// First read of a request, while the connection is idle; the rest of the header is read by Beast.
constexpr std::size_t kFirstReadBytes = 1536;

std::string_view view(beast::string_view text) {
  return {text.data(), text.size()};
}

bool method_allowed(const HttpRoute& route, HttpMethod method) {
  auto allows = [&](HttpMethod m) {
    return std::find(route.methods.begin(), route.methods.end(), m) != route.methods.end();
  };
  if (allows(method)) return true;
  return method == HttpMethod::kHead && allows(HttpMethod::kGet);
}

// Malformed input, as opposed to a closed, timed out or cancelled connection.
bool is_parse_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// True if a Transfer-Encoding value names only `chunked` (possibly more than once, in any case).
bool only_chunked(std::string_view value) {
  while (!value.empty()) {
    auto comma = value.find(',');
    std::string_view coding = value.substr(0, comma);
    while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t'))
      coding.remove_prefix(1);
    while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t'))
      coding.remove_suffix(1);
    if (!beast::iequals(beast::string_view(coding.data(), coding.size()), "chunked")) return false;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return true;
}

std::string describe(const net::ip::tcp::socket& socket) {
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto address = endpoint.address();
  std::string text = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return text + ":" + std::to_string(endpoint.port());
}

// Shared by every copy of one HttpResponder: sends at most once, and answers 500 if the handler
// dropped all copies without answering.
class PendingResponse {
 public:
  explicit PendingResponse(std::shared_ptr<HttpSession> session) : session_(std::move(session)) {}
  PendingResponse(const PendingResponse&) = delete;
  PendingResponse& operator=(const PendingResponse&) = delete;
  ~PendingResponse() {
    if (!answered_.exchange(true)) post(HttpResponse::json_error(500, "no response"));
  }
  void answer(HttpResponse response) {
    if (!answered_.exchange(true)) post(std::move(response));
  }

 private:
  void post(HttpResponse response) {
    auto session = session_;
    net::post(session->executor(), [session, response = std::move(response)]() mutable {
      session->send(std::move(response));
    });
  }
  std::shared_ptr<HttpSession> session_;
  std::atomic<bool> answered_{false};
};

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, std::shared_ptr<HttpServer::State> state)
    : state_(std::move(state)), stream_(std::move(socket)) {
  remote_address_ = describe(stream_.socket());
}

HttpSession::~HttpSession() {
  std::lock_guard lock(state_->sessions_mutex);
  state_->sessions.erase(this);
  if (refusal_) --state_->refusals;
}

void HttpSession::start() {
  {
    std::lock_guard lock(state_->sessions_mutex);
    if (state_->stopping) return;  // dropping the last reference closes the socket
    state_->sessions.emplace(this, weak_from_this());
  }
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->wait_for_request(); });
}

void HttpSession::start_refusal(HttpResponse response) {
  {
    std::lock_guard lock(state_->sessions_mutex);
    if (state_->stopping) return;
    state_->sessions.emplace(this, weak_from_this());
    refusal_ = true;
    ++state_->refusals;
  }
  net::dispatch(stream_.get_executor(),
                [self = shared_from_this(), response = std::move(response)]() mutable {
                  self->keep_alive_ = false;
                  self->drain_before_close_ = true;
                  self->send(std::move(response));
                });
}

void HttpSession::close() {
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  stream_.close();
}

void HttpSession::wait_for_request() {
  if (buffer_.size() > 0) {  // a pipelined request is already here
    read_header();
    return;
  }
  idle_since_ = std::chrono::steady_clock::now().time_since_epoch().count();
  phase_ = kIdle;
  stream_.expires_after(state_->options.header_timeout);
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->buffer_.commit(n);
                            int expected = kIdle;
                            // Evicted meanwhile (the server needed the slot): the connection is
                            // being closed.
                            if (!self->phase_.compare_exchange_strong(expected, kBusy) || ec) {
                              self->close();
                              return;
                            }
                            self->read_header();
                          });
}

void HttpSession::read_header() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(state_->options.max_header_bytes));
  // The limit depends on the route, known only once the header is in; on_header checks it.
  // (Not boost::none: Beast 1.74 compares the Content-Length against an empty optional as if
  // it were a limit of zero.)
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  route_ = nullptr;
  stream_.expires_after(state_->options.header_timeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void HttpSession::on_header(beast::error_code ec) {
  if (ec) {
    if (ec == http::error::end_of_stream || !is_parse_error(ec)) {
      close();  // the peer left, timed out, or the server is stopping
      return;
    }
    keep_alive_ = false;
    head_ = false;
    state_->logger.debug("http bad request", {{"peer", remote_address_}, {"error", ec.message()}});
    if (ec == http::error::header_limit) {
      reject(HttpResponse::json_error(431, "request header too large"));
    } else {
      reject(HttpResponse::json_error(400, "bad request"));
    }
    return;
  }

  const auto& request = parser_->get();
  keep_alive_ = request.keep_alive();
  auto method = parse_http_method(view(request.method_string()));
  head_ = method == HttpMethod::kHead;
  std::string_view target = view(request.target());
  std::string_view path = target.substr(0, target.find('?'));
  route_ = state_->find_route(path);
  if (route_ == nullptr) {
    reject(HttpResponse::json_error(404, "not found"));
    return;
  }
  if (!method || !method_allowed(*route_, *method)) {
    auto response = HttpResponse::json_error(405, "method not allowed");
    response.headers.emplace_back("Allow", route_->allow);
    reject(std::move(response));
    return;
  }
  method_ = *method;
  // Beast decodes `chunked` and ignores codings listed before it ("gzip, chunked"): the body would
  // reach the handler still encoded. Refused as RFC 9112 section 6.1 says.
  if (auto coding = request[http::field::transfer_encoding];
      !coding.empty() && !only_chunked(view(coding))) {
    reject(HttpResponse::json_error(501, "unsupported transfer coding"));
    return;
  }
  auto length = parser_->content_length();
  if (length && *length > route_->max_body_bytes) {
    reject(HttpResponse::json_error(413, "request body too large"));
    return;
  }
  // Chunked bodies are cut off by the parser as soon as they exceed the limit.
  parser_->body_limit(route_->max_body_bytes);
  // Beast reads at most the buffer's free capacity (at least 512 bytes) per call, and the body
  // reader empties the buffer after every read: without room, a 150 KB OTLP export took ~390
  // reads, each with its own timer reset and epoll re-arm. Room for the body (up to 64 KiB) is
  // given only to requests that have one, so idle connections stay small.
  std::size_t expected = length ? static_cast<std::size_t>(*length) : kChunkedReadRoom;
  if (!parser_->is_done() && buffer_.capacity() - buffer_.size() < kMaxReadRoom)
    buffer_.reserve(buffer_.size() + std::min(expected, kMaxReadRoom));

  if (!parser_->is_done() && beast::iequals(request[http::field::expect], "100-continue")) {
    continue_response_ = {};
    continue_response_.version(11);
    continue_response_.result(http::status::continue_);
    stream_.expires_after(state_->options.read_timeout);
    http::async_write(stream_, continue_response_,
                      [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                        if (write_ec) {
                          self->close();
                          return;
                        }
                        self->read_body();
                      });
    return;
  }
  read_body();
}

void HttpSession::read_body() {
  if (parser_->is_done()) {
    dispatch_request();
    return;
  }
  stream_.expires_after(state_->options.read_timeout);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void HttpSession::on_body(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    reject(HttpResponse::json_error(413, "request body too large"));
    return;
  }
  if (ec == net::error::operation_aborted || ec == beast::error::timeout ||
      ec == http::error::end_of_stream || ec == http::error::partial_message) {
    close();
    return;
  }
  if (ec && is_parse_error(ec)) {
    state_->logger.debug("http bad request", {{"peer", remote_address_}, {"error", ec.message()}});
    reject(HttpResponse::json_error(400, "bad request"));
    return;
  }
  if (ec) {
    close();
    return;
  }
  dispatch_request();
}

void HttpSession::dispatch_request() {
  auto message = parser_->release();
  buffer_.shrink_to_fit();  // an idle keep-alive connection keeps no body-sized buffer
  HttpRequest request;
  request.method = method_;
  request.target = std::string(message.target());
  auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  for (const auto& field : message) {
    request.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = remote_address_;

  const HttpRoute& route = *route_;
  if (route.async_handler) {
    std::string path = request.path;
    auto pending = std::make_shared<PendingResponse>(shared_from_this());
    HttpResponder responder = [pending](HttpResponse response) {
      pending->answer(std::move(response));
    };
    try {
      route.async_handler(std::move(request), std::move(responder));
    } catch (const std::exception& e) {
      state_->logger.error("http handler failed", {{"path", path}, {"error", e.what()}});
      pending->answer(HttpResponse::json_error(500, "internal error"));
    }
    return;
  }
  HttpResponse response;
  try {
    response = route.handler(request);
  } catch (const std::exception& e) {
    state_->logger.error("http handler failed", {{"path", request.path}, {"error", e.what()}});
    response = HttpResponse::json_error(500, "internal error");
  }
  send(std::move(response));
}

void HttpSession::report_server_error(unsigned status) {
  if (!state_->options.on_server_error || status == 404) return;
  std::string_view path;
  if (parser_) {
    std::string_view target = view(parser_->get().target());
    path = target.substr(0, target.find('?'));
  }
  state_->options.on_server_error(path, status);
}

void HttpSession::reject(HttpResponse response) {
  report_server_error(response.status);
  // Whatever of the body is still unread would be taken for the next request.
  if (!parser_ || !parser_->is_done()) {
    keep_alive_ = false;
    drain_before_close_ = true;
  }
  send(std::move(response));
}

void HttpSession::send(HttpResponse response) {
  auto message = std::make_shared<http::response<http::string_body>>();
  message->version(11);
  message->result(response.status);
  message->set(http::field::server, "specwatch");
  if (!response.content_type.empty())
    message->set(http::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) message->insert(name, value);
  message->keep_alive(keep_alive_);
  if (head_) {
    message->content_length(response.body.size());
  } else {
    message->body() = std::move(response.body);
    message->prepare_payload();
  }
  stream_.expires_after(state_->options.read_timeout);
  http::async_write(stream_, *message,
                    [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
                      self->on_write(ec, message->keep_alive());
                    });
}

void HttpSession::on_write(beast::error_code ec, bool keep_alive) {
  if (!ec && !keep_alive && drain_before_close_) {
    linger();
    return;
  }
  if (ec || !keep_alive) {
    close();
    return;
  }
  wait_for_request();
}

void HttpSession::linger() {
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  if (ec) {
    close();
    return;
  }
  // The deadline covers the whole drain, not each read.
  stream_.expires_after(std::min(kMaxDrainTime, state_->options.read_timeout));
  drain();
}

void HttpSession::drain() {
  stream_.async_read_some(net::buffer(drain_buffer_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->drained_bytes_ += n;
                            if (ec || self->drained_bytes_ > kMaxDrainBytes) {
                              self->close();
                              return;
                            }
                            self->drain();
                          });
}

}  // namespace specwatch
