// One thread for the OTLP/HTTP requests whose cost per byte received is high: gzip bodies that
// inflate past the receiver's inline bound (a few KiB can inflate to max_body_bytes) and OTLP/JSON.
// The receiver's single io thread decodes identity protobuf, whose cost follows the bytes it read,
// and small gzip protobuf; everything else is posted here, so a barrage of gzip bombs or huge JSON
// bodies delays only its own kind and never the protobuf exports beside it (docs/PERFORMANCE.md,
// "Inflating off the io thread").
//
// Jobs run one at a time in the order posted. At most `max_waiting` wait; a post beyond that is
// refused, and the receiver answers 503 with Retry-After (the sender retries, nothing is lost).
// The bodies of waiting jobs are already bounded by the HTTP server: each connection holds at most
// one request, of at most max_compressed_bytes.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>

#include "sidecar/core/bounded_queue.h"

namespace specwatch {

class OtlpDecodeWorker {
 public:
  struct Job {
    std::function<void()> run;     // on the worker thread
    std::function<void()> cancel;  // instead of run, once stop() began: answers "shutting down"
  };

  explicit OtlpDecodeWorker(std::size_t max_waiting);
  ~OtlpDecodeWorker();
  OtlpDecodeWorker(const OtlpDecodeWorker&) = delete;
  OtlpDecodeWorker& operator=(const OtlpDecodeWorker&) = delete;

  // Queues `job` and returns true; false, with `job` left untouched, when max_waiting jobs are
  // already waiting or stop() began. Never blocks: it runs on the io thread.
  bool try_post(Job& job);
  // Cancels the waiting jobs on the calling thread (so their senders are answered at once), waits
  // for the running one and joins the thread. Idempotent.
  void stop();
  bool stopping() const { return stopping_.load(); }
  std::size_t waiting() const { return queue_.size(); }

 private:
  void run();

  BoundedQueue<Job> queue_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;  // last: starts once the queue exists
};

}  // namespace specwatch
