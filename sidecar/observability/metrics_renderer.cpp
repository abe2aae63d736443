#include "sidecar/observability/metrics_renderer.h"

#include <exception>
#include <utility>

namespace specwatch {

namespace {

HttpResponse busy_response() {
  auto response = HttpResponse::json_error(503, "too many concurrent scrapes");
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

}  // namespace

MetricsRenderer::MetricsRenderer(std::function<HttpResponse()> render, std::size_t max_waiting)
    : render_(std::move(render)), max_waiting_(max_waiting == 0 ? 1 : max_waiting) {
  thread_ = std::thread([this] { run(); });
}

MetricsRenderer::~MetricsRenderer() {
  std::vector<HttpResponder> left;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    left.swap(waiting_);
  }
  wake_.notify_all();
  for (auto& respond : left) respond(HttpResponse::json_error(503, "shutting down"));
  // The last owner can be a responder released on the render thread itself (a connection that
  // outlived its server): it cannot join itself, and it returns right after this.
  if (thread_.get_id() == std::this_thread::get_id()) {
    thread_.detach();
  } else {
    thread_.join();
  }
}

void MetricsRenderer::submit(HttpResponder respond) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && waiting_.size() < max_waiting_) {
      waiting_.push_back(std::move(respond));
      wake_.notify_one();
      return;
    }
  }
  respond(busy_response());
}

void MetricsRenderer::run() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
    if (stopping_) return;
    std::vector<HttpResponder> batch;
    batch.swap(waiting_);
    lock.unlock();
    HttpResponse response;
    try {
      response = render_();
    } catch (const std::exception&) {
      response = HttpResponse::json_error(500, "internal error");
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i](i + 1 == batch.size() ? std::move(response) : response);
    }
    batch.clear();  // release the connections before waiting again
    lock.lock();
  }
}

}  // namespace specwatch
