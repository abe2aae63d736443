// Internal to specwatch_http: one accepted connection, reading requests one after another
// (keep-alive) and writing each response before reading the next. Everything runs on the
// connection's strand.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <memory>
#include <optional>

#include "sidecar/http/http_server_state.h"

namespace specwatch {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<HttpServer::State> state);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  // Registers with the server (or closes at once if the server is stopping) and starts reading.
  void start();
  // For a connection over max_connections: registers as a refusal, sends `response` with
  // Connection: close, drains what the client sends (bounded) and closes.
  void start_refusal(HttpResponse response);
  // True while waiting for a request with no byte of it received. Any thread.
  bool idle() const { return phase_.load() == kIdle; }
  // steady_clock ticks when the session last became idle.
  std::int64_t idle_since() const { return idle_since_.load(); }
  // Marks an idle session as evicted (it then closes when its wait ends); false if it is no longer
  // idle. The caller then closes it on its strand. Any thread.
  bool claim_for_eviction() {
    int expected = kIdle;
    return phase_.compare_exchange_strong(expected, kEvicted);
  }
  // Closes the socket; pending operations end with operation_aborted. Call on the strand.
  void close();
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }
  // Writes the response to the current request; on the strand.
  void send(HttpResponse response);

 private:
  // Waits (header_timeout) for the first byte of the next request: the session is idle meanwhile.
  void wait_for_request();
  void read_header();
  void on_header(boost::beast::error_code ec);
  void read_body();
  void on_body(boost::beast::error_code ec);
  void dispatch_request();
  void on_write(boost::beast::error_code ec, bool keep_alive);
  // Answers before the body was read: the connection cannot be reused.
  void reject(HttpResponse response);
  void report_server_error(unsigned status);
  // Closing with unread request bytes makes the kernel send a reset, which can destroy the error
  // response before the client reads it. So after such an answer the server stops sending, reads
  // and discards what the client still sends (bounded in bytes and time), then closes.
  void linger();
  void drain();

  std::shared_ptr<HttpServer::State> state_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_response_;
  const HttpRoute* route_ = nullptr;
  HttpMethod method_ = HttpMethod::kGet;
  bool head_ = false;
  bool keep_alive_ = false;
  bool drain_before_close_ = false;
  std::size_t drained_bytes_ = 0;
  std::array<char, 8192> drain_buffer_;
  std::string remote_address_;
  static constexpr int kBusy = 0, kIdle = 1, kEvicted = 2;
  std::atomic<int> phase_{kBusy};
  std::atomic<std::int64_t> idle_since_{0};
  bool refusal_ = false;
};

}  // namespace specwatch
