// The delivery thread of a forwarder (Kafka, Elasticsearch): runs the sender's loop and, at stop,
// gives it the drain timeout to deliver what is pending before telling it to quit.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace specwatch {

class DeliveryThread {
 public:
  DeliveryThread() = default;
  DeliveryThread(const DeliveryThread&) = delete;
  DeliveryThread& operator=(const DeliveryThread&) = delete;
  ~DeliveryThread() {
    if (thread_.joinable()) thread_.join();
  }

  void start(std::function<void()> run) {
    thread_ = std::thread([this, run = std::move(run)] {
      run();
      std::lock_guard lock(mutex_);
      done_ = true;
      changed_.notify_all();
    });
  }

  // Calls `drain` (the loop should end once nothing is pending), waits up to `timeout` for the
  // loop to end, then calls `quit` (end now) and joins. Nothing to do when never started.
  void stop(int timeout_ms, const std::function<void()>& drain, const std::function<void()>& quit) {
    if (!thread_.joinable()) return;
    drain();
    {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms),
                        [&] { return done_; });
    }
    quit();
    thread_.join();
  }

 private:
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool done_ = false;
};

}  // namespace specwatch
