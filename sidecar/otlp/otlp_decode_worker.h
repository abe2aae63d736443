// One thread for the OTLP requests whose cost per byte received is high, so that they cannot hold
// up a receiver's single I/O thread: compressed bodies that inflate past the receiver's inline
// bound (a few KiB can inflate to max_body_bytes) and, for OTLP/HTTP, JSON. Each receiver owns
// one. The I/O thread (OTLP/HTTP's io thread, OTLP/gRPC's completion-queue thread) decodes identity
// protobuf, whose cost follows the bytes it read, and small compressed messages; everything else is
// posted here, so a barrage of bombs or huge JSON bodies delays only its own kind and never the
// protobuf exports beside it (docs/PERFORMANCE.md, "Inflating off the io thread").
//
// Jobs run one at a time in the order posted. At most `max_waiting` wait; a post beyond that is
// refused, and the receiver answers 503 with Retry-After, or UNAVAILABLE (the sender retries,
// nothing is lost). The bodies of waiting jobs are already bounded by the receivers' own limits on
// connections and calls, each of at most max_compressed_bytes.
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
