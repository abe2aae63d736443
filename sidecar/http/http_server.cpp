#include "sidecar/http/http_server.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <condition_variable>
#include <stdexcept>
#include <utility>

#include "sidecar/http/http_server_state.h"
#include "sidecar/http/http_session.h"

namespace specwatch {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// How long stop() lets open operations wind down before abandoning them.
constexpr auto kStopGrace = std::chrono::seconds(5);

std::string host_port(const std::string& host, std::uint16_t port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string allow_header(const std::vector<HttpMethod>& methods) {
  std::vector<HttpMethod> allowed = methods;
  bool get = std::find(allowed.begin(), allowed.end(), HttpMethod::kGet) != allowed.end();
  bool head = std::find(allowed.begin(), allowed.end(), HttpMethod::kHead) != allowed.end();
  if (get && !head) allowed.push_back(HttpMethod::kHead);
  std::string text;
  for (auto method : allowed) {
    if (!text.empty()) text += ", ";
    text += to_string(method);
  }
  return text;
}

// Refused connections being answered at once; beyond this they are closed without an answer, so
// that a flood of connections cannot hold more descriptors than the cap plus this.
constexpr std::size_t kMaxRefusals = 32;

HttpResponse too_many_connections(int retry_after_seconds) {
  auto response = HttpResponse::json_error(503, "too many connections");
  response.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return response;
}

// Under sessions_mutex: the session idle the longest, claimed for eviction and removed from the
// open connections; null if none is idle.
std::shared_ptr<HttpSession> take_idle_session(HttpServer::State& state) {
  HttpSession* oldest = nullptr;
  std::shared_ptr<HttpSession> victim;
  for (auto& [raw, weak] : state.sessions) {
    if (!raw->idle() || (oldest != nullptr && raw->idle_since() >= oldest->idle_since())) continue;
    if (auto session = weak.lock()) {
      oldest = raw;
      victim = std::move(session);
    }
  }
  if (!victim || !victim->claim_for_eviction()) return nullptr;
  state.sessions.erase(oldest);
  return victim;
}

// On the acceptor's strand: starts a session for the new connection, making room by evicting an
// idle one when the cap is reached, or refuses it.
void admit(const std::shared_ptr<HttpServer::State>& state, tcp::socket socket) {
  std::shared_ptr<HttpSession> evicted;
  bool full = false;
  std::size_t refusals = 0;
  {
    std::lock_guard lock(state->sessions_mutex);
    if (state->sessions.size() - state->refusals >= state->options.max_connections) {
      evicted = take_idle_session(*state);
      full = !evicted;
    }
    refusals = state->refusals;
  }
  if (evicted) {
    state->logger.debug("http idle connection closed to make room",
                        {{"max_connections", state->options.max_connections}});
    net::post(evicted->executor(), [evicted] { evicted->close(); });
  }
  if (!full) {
    state->refusing = false;
    std::make_shared<HttpSession>(std::move(socket), state)->start();
    return;
  }
  // Logged once per overload episode, not once per refused connection.
  if (!state->refusing) {
    state->logger.warn("http connections refused: too many connections",
                       {{"max_connections", state->options.max_connections}});
  }
  state->refusing = true;
  if (state->options.on_connection_refused) state->options.on_connection_refused();
  if (refusals < kMaxRefusals) {
    std::make_shared<HttpSession>(std::move(socket), state)
        ->start_refusal(too_many_connections(state->options.retry_after_seconds));
  } else {
    boost::system::error_code close_ec;
    socket.close(close_ec);
  }
}

void accept_next(const std::shared_ptr<HttpServer::State>& state) {
  state->acceptor.async_accept(
      net::make_strand(state->io), [state](boost::system::error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !state->acceptor.is_open()) return;
        if (ec) {
          // Typically EMFILE: retrying at once would spin, so wait a little.
          state->logger.warn("http accept failed", {{"error", ec.message()}});
          state->accept_retry.expires_after(std::chrono::milliseconds(100));
          state->accept_retry.async_wait([state](boost::system::error_code wait_ec) {
            if (!wait_ec) accept_next(state);
          });
          return;
        }
        admit(state, std::move(socket));
        accept_next(state);
      });
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, Logger& logger)
    : state_(std::make_shared<State>(std::move(options), logger)) {
  if (state_->options.threads == 0) state_->options.threads = 1;
}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::add_route(std::string path, std::vector<HttpMethod> methods, HttpHandler handler,
                           std::optional<std::size_t> max_body_bytes) {
  HttpRoute route;
  route.handler = std::move(handler);
  route.methods = std::move(methods);
  route.max_body_bytes = max_body_bytes.value_or(state_->options.max_body_bytes);
  std::lock_guard lock(lifecycle_mutex_);
  if (started_) throw std::logic_error("add_route after start: " + path);
  if (route.methods.empty()) throw std::logic_error("route without methods: " + path);
  route.allow = allow_header(route.methods);
  if (!state_->routes.emplace(path, std::move(route)).second) {
    throw std::logic_error("route added twice: " + path);
  }
}

void HttpServer::add_async_route(std::string path, std::vector<HttpMethod> methods,
                                 AsyncHttpHandler handler,
                                 std::optional<std::size_t> max_body_bytes) {
  HttpRoute route;
  route.async_handler = std::move(handler);
  route.methods = std::move(methods);
  route.max_body_bytes = max_body_bytes.value_or(state_->options.max_body_bytes);
  std::lock_guard lock(lifecycle_mutex_);
  if (started_) throw std::logic_error("add_async_route after start: " + path);
  if (route.methods.empty()) throw std::logic_error("route without methods: " + path);
  route.allow = allow_header(route.methods);
  if (!state_->routes.emplace(path, std::move(route)).second) {
    throw std::logic_error("route added twice: " + path);
  }
}

std::string HttpServer::start() {
  std::lock_guard lock(lifecycle_mutex_);
  const auto& options = state_->options;
  const std::string where = host_port(options.host, options.port);
  if (started_ || stopped_) return "cannot listen on " + where + ": server already started";
  started_ = true;

  boost::system::error_code ec;
  auto address = net::ip::make_address(options.host, ec);
  if (ec) {
    // Not a literal address: resolve a name such as "localhost".
    tcp::resolver resolver(state_->io);
    auto results = resolver.resolve(options.host, std::to_string(options.port), ec);
    if (ec || results.empty()) {
      return "cannot listen on " + where + ": " + (ec ? ec.message() : "host not found");
    }
    address = results.begin()->endpoint().address();
  }
  tcp::endpoint endpoint(address, options.port);
  auto& acceptor = state_->acceptor;
  auto fail = [&](const boost::system::error_code& error) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return "cannot listen on " + where + ": " + error.message();
  };
  if (acceptor.open(endpoint.protocol(), ec)) return fail(ec);
  // Lets a restarted sidecar bind while old connections sit in TIME_WAIT (does not allow two
  // listeners on one port on Linux).
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec)) return fail(ec);
  if (acceptor.bind(endpoint, ec)) return fail(ec);
  if (acceptor.listen(net::socket_base::max_listen_connections, ec)) return fail(ec);
  port_ = acceptor.local_endpoint(ec).port();
  if (ec) return fail(ec);

  state_->work.emplace(state_->io.get_executor());
  accept_next(state_);
  for (unsigned i = 0; i < options.threads; ++i) {
    threads_.emplace_back([state = state_] { state->io.run(); });
  }
  state_->logger.info("http server listening", {{"address", host_port(options.host, port_)}});
  return "";
}

std::uint16_t HttpServer::port() const {
  return port_;
}

std::size_t HttpServer::open_connections() const {
  std::lock_guard lock(state_->sessions_mutex);
  return state_->sessions.size() - state_->refusals;
}

std::size_t HttpServer::idle_connections() const {
  std::lock_guard lock(state_->sessions_mutex);
  std::size_t idle = 0;
  for (const auto& [raw, weak] : state_->sessions) {
    if (raw->idle()) ++idle;
  }
  return idle;
}

void HttpServer::stop() {
  std::lock_guard lock(lifecycle_mutex_);
  if (stopped_) return;
  stopped_ = true;
  if (threads_.empty()) {
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
    return;
  }

  std::vector<std::shared_ptr<HttpSession>> open;
  {
    std::lock_guard sessions_lock(state_->sessions_mutex);
    state_->stopping = true;
    for (auto& [raw, weak] : state_->sessions) {
      if (auto session = weak.lock()) open.push_back(std::move(session));
    }
  }
  net::post(state_->acceptor.get_executor(), [state = state_] {
    boost::system::error_code ignored;
    state->acceptor.close(ignored);
    state->accept_retry.cancel();
  });
  for (auto& session : open) {
    net::post(session->executor(), [session] { session->close(); });
  }
  open.clear();
  // With the listener and connections closed, run() returns once handlers in progress finish.
  state_->work.reset();

  // A handler that never returns must not hang shutdown forever: after the grace period the
  // io_context is stopped and whatever is left is abandoned.
  std::mutex done_mutex;
  std::condition_variable done_cv;
  bool done = false;
  std::thread joiner([&] {
    for (auto& thread : threads_) thread.join();
    std::lock_guard done_lock(done_mutex);
    done = true;
    done_cv.notify_all();
  });
  {
    std::unique_lock done_lock(done_mutex);
    if (!done_cv.wait_for(done_lock, kStopGrace, [&] { return done; })) state_->io.stop();
  }
  joiner.join();
  threads_.clear();
  state_->logger.info("http server stopped", {{"port", static_cast<unsigned>(port_)}});
}

}  // namespace specwatch
