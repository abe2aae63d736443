#include "sidecar/otlp/otlp_decode_worker.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <utility>

namespace specwatch {

OtlpDecodeWorker::OtlpDecodeWorker(std::size_t max_waiting)
    : queue_(std::max<std::size_t>(1, max_waiting), std::numeric_limits<std::size_t>::max()),
      thread_([this] { run(); }) {}

OtlpDecodeWorker::~OtlpDecodeWorker() {
  stop();
}

bool OtlpDecodeWorker::try_post(Job& job) {
  if (stopping_.load()) return false;
  return queue_.try_push_for(job, 1, std::chrono::milliseconds(0));
}

void OtlpDecodeWorker::stop() {
  stopping_.store(true);
  queue_.close();
  while (std::optional<Job> job = queue_.try_pop()) job->cancel();
  if (thread_.joinable()) thread_.join();
}

void OtlpDecodeWorker::run() {
  while (std::optional<Job> job = queue_.pop()) {
    // A job taken just as stop() began is cancelled as the waiting ones are.
    if (stopping_.load()) {
      job->cancel();
    } else {
      job->run();
    }
  }
}

}  // namespace specwatch
