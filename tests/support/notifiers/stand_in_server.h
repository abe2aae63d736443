// A strict stand-in for a notification service (PagerDuty, Slack, a webhook receiver, an
// Alertmanager's API) on a free loopback port: each request is checked by the service's
// validator (an invalid one is answered 400 with the problems and recorded), then answered as
// scripted (answer_next: 400, 429 with Retry-After, 5xx, ...) or with the service's success
// status. Every request is recorded with its arrival time, so tests can check retries and waits.
#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sidecar/core/logger.h"
#include "sidecar/http/http_server.h"

namespace specwatch::testing {

struct ScriptedAnswer {
  unsigned status = 200;
  std::optional<int> retry_after_seconds;
};

struct StandInRequest {
  std::string path;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::steady_clock::time_point at;
  unsigned answered = 0;
  std::vector<std::string> problems;  // why it was invalid; empty when valid

  std::string header(const std::string& name) const;
};

class StandInServer {
 public:
  // Returns the problems of a parsed JSON body (empty: valid). Called under the server's lock.
  using Validator = std::function<std::vector<std::string>(const rapidjson::Document&)>;

  // Called (under the lock) for each request answered with the success status.
  using OnAccepted = std::function<void(const rapidjson::Document&)>;

  StandInServer(std::string path, unsigned ok_status, std::string ok_body, Validator validator,
                OnAccepted on_accepted = {});
  virtual ~StandInServer();

  std::uint16_t port() const { return server_->port(); }
  // http://127.0.0.1:<port><path>
  std::string url() const;
  std::string base_url() const;

  // The next requests get these answers, in order (after validation), then success again.
  void answer_next(std::vector<ScriptedAnswer> answers);
  std::vector<StandInRequest> requests() const;
  // Requests that were valid and answered with the success status.
  std::vector<StandInRequest> accepted() const;
  // Requests that failed validation.
  std::vector<StandInRequest> invalid() const;
  // Waits (polling, bounded) until at least `n` requests were accepted.
  bool wait_accepted(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(20));
  bool wait_requests(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(20));

 private:
  HttpResponse handle(const HttpRequest& request);

  const std::string path_;
  const unsigned ok_status_;
  const std::string ok_body_;
  Validator validator_;
  OnAccepted on_accepted_;
  Logger logger_{LogLevel::kError, [](std::string_view) {}};
  mutable std::mutex mutex_;
  std::deque<ScriptedAnswer> script_;
  std::vector<StandInRequest> requests_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace specwatch::testing
