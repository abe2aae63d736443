// Internal to specwatch_http: what the server shares with its connections. Connections hold a
// shared_ptr to it, so the io_context outlives every socket even if a responder outlives a session.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "sidecar/core/logger.h"
#include "sidecar/http/http_server.h"

namespace specwatch {

class HttpSession;

struct HttpRoute {
  std::vector<HttpMethod> methods;
  HttpHandler handler;  // one of handler / async_handler is set
  AsyncHttpHandler async_handler;
  std::size_t max_body_bytes = 0;
  std::string allow;  // value of the Allow header for 405 answers
};

struct HttpServer::State {
  State(HttpServerOptions opts, Logger& log)
      : options(std::move(opts)),
        logger(log),
        acceptor(boost::asio::make_strand(io)),
        accept_retry(acceptor.get_executor()) {}

  const HttpRoute* find_route(std::string_view path) const {
    auto it = routes.find(path);
    return it == routes.end() ? nullptr : &it->second;
  }

  HttpServerOptions options;
  Logger& logger;
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor;
  boost::asio::steady_timer accept_retry;  // back-off after accept errors such as EMFILE
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::map<std::string, HttpRoute, std::less<>> routes;  // fixed once started
  bool refusing = false;  // over max_connections; only touched on the acceptor's strand

  // Open connections, so that stop() can close them. Guarded by sessions_mutex. `refusals` of
  // them only answer 503 and close: they do not count against max_connections.
  mutable std::mutex sessions_mutex;
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions;
  std::size_t refusals = 0;
  bool stopping = false;
};

}  // namespace specwatch
