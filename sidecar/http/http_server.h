// A small HTTP/1.1 server (Boost.Beast) for the admin endpoints (/metrics, /health, /ready) and,
// later, OTLP/HTTP receivers. Routes match the path exactly; the server answers by itself
//   404 {"error":"not found"}            for a path without route,
//   405 {"error":"method not allowed"}   with an Allow header, for a known path and another method,
//   413 {"error":"request body too large"} when Content-Length or a chunked body exceeds the
//                                        route's limit (the body is never buffered beyond it),
//   400 {"error":"bad request"}          for a malformed request,
//   431 {"error":"request header too large"} beyond max_header_bytes,
//   500 {"error":"internal error"}       when a handler throws.
//   501 {"error":"unsupported transfer coding"} for a Transfer-Encoding other than `chunked`
//                                        (RFC 9112 section 6.1; gzip is a Content-Encoding),
//   503 {"error":"too many connections"} with Retry-After, to a connection over max_connections
//                                        when no open connection is idle.
// After an error answered before the body was read, the connection is closed (the rest of the body
// is read and discarded first, so the client sees the answer rather than a reset).
// HEAD is served by a GET route, without the body. Connections are kept alive.
//
// Deadlines: waiting for a request and reading its header must finish within `header_timeout`
// (each); reading a body and writing an answer within `read_timeout`. So an idle keep-alive
// connection, or one that trickles its header, holds a slot for header_timeout at most.
// Connection cap: when max_connections are open and another client connects, the connection idle
// the longest (between requests, no byte of a new one received) is closed to make room; if none is
// idle, the newcomer is answered 503 with Retry-After and closed, and on_connection_refused runs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sidecar/core/logger.h"
#include "sidecar/http/http_message.h"

namespace specwatch {

struct HttpServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 0;                        // 0 = an ephemeral port, see HttpServer::port()
  unsigned threads = 1;                          // io threads; 0 counts as 1
  std::size_t max_body_bytes = 4 * 1024 * 1024;  // default limit for routes without their own
  std::size_t max_header_bytes = 16 * 1024;      // request line + headers
  // Waiting for a request (keep-alive idle) and reading its request line and headers.
  std::chrono::milliseconds header_timeout{5'000};
  // Reading a request body; writing an answer.
  std::chrono::milliseconds read_timeout{10'000};
  // Open connections at most; see the connection cap above.
  std::size_t max_connections = 256;
  // Retry-After of the 503 answered over max_connections.
  int retry_after_seconds = 1;
  // Called (on an io thread) for each connection refused over max_connections, answered or not.
  std::function<void()> on_connection_refused;
  // Called (on an io thread) for each error the server answers by itself before a route handler
  // runs (400, 405, 413, 431, 501; not 404): the request path when the request line was read
  // (else empty) and the status. Lets a receiver count requests its handler never saw.
  std::function<void(std::string_view path, unsigned status)> on_server_error;
};

// Runs on an io thread and answers at once. Must not block for long: with one io thread it holds
// up every other connection.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// Sends the response of an asynchronous handler. May be called from any thread; only the first
// call counts. If every copy is dropped without a call, the client gets 500 {"error":"no
// response"}. A responder must be called or dropped before the HttpServer is destroyed.
using HttpResponder = std::function<void(HttpResponse)>;
// For handlers that wait on something else (a full queue, a downstream export) without holding an
// io thread: take the request, answer later through the responder.
using AsyncHttpHandler = std::function<void(HttpRequest&&, HttpResponder)>;

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Logger& logger);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Routes are added before start() (std::logic_error afterwards, or for a path added twice).
  // `methods` must not be empty; a GET route also answers HEAD. `max_body_bytes` overrides
  // HttpServerOptions::max_body_bytes for this route.
  void add_route(std::string path, std::vector<HttpMethod> methods, HttpHandler handler,
                 std::optional<std::size_t> max_body_bytes = std::nullopt);
  void add_async_route(std::string path, std::vector<HttpMethod> methods, AsyncHttpHandler handler,
                       std::optional<std::size_t> max_body_bytes = std::nullopt);

  // Binds, listens and starts the io threads. Returns "" on success, otherwise an error such as
  // "cannot listen on 0.0.0.0:9464: Address already in use". Called at most once.
  std::string start();
  // The bound port once start() succeeded (the ephemeral one when options.port was 0), else 0.
  std::uint16_t port() const;
  // Connections open now and counted against max_connections (for tests and diagnostics).
  std::size_t open_connections() const;
  // Of those, the ones idle between requests (evictable to make room), for tests and diagnostics.
  // A keep-alive connection turns idle only once its answer's write has completed, which may be
  // just after the client has read that answer.
  std::size_t idle_connections() const;
  // Closes the listener and every open connection, waits for running handlers and joins the io
  // threads. Safe without start() and more than once.
  void stop();

  // Internal state shared with connections; defined in http_server_state.h.
  struct State;

 private:
  std::shared_ptr<State> state_;
  std::vector<std::thread> threads_;
  std::mutex lifecycle_mutex_;
  bool started_ = false;
  bool stopped_ = false;
  std::uint16_t port_ = 0;
};

}  // namespace specwatch
