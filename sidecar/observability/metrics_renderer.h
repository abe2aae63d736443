// Renders GET /metrics on a thread of its own. A render can take long (tens of thousands of pushed
// OTLP families, a slow collectable); on the admin server's io thread it would hold up /health and
// /ready, and a liveness probe would fail behind a scrape. Scrapes that arrive while a render is
// running wait for the next one and share it (one render answers all of them); at most
// `max_waiting` wait, further ones are answered 503 {"error":"too many concurrent scrapes"} with
// Retry-After: 1 at once.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sidecar/http/http_server.h"

namespace specwatch {

class MetricsRenderer {
 public:
  // `render` makes the answer (the exposition); it runs on the render thread only.
  MetricsRenderer(std::function<HttpResponse()> render, std::size_t max_waiting);
  // Answers scrapes still waiting with 503 and joins the render thread.
  ~MetricsRenderer();
  MetricsRenderer(const MetricsRenderer&) = delete;
  MetricsRenderer& operator=(const MetricsRenderer&) = delete;

  // Queues a scrape; `respond` is called from the render thread (or at once when too many wait).
  void submit(HttpResponder respond);

 private:
  void run();

  std::function<HttpResponse()> render_;
  const std::size_t max_waiting_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<HttpResponder> waiting_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace specwatch
