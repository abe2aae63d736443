// A QueuedDelivery for tests: encode() records one item per batch (its event count), deliver()
// waits for a permit the test grants, then records the item and answers the status the test set.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "sidecar/pipeline/queued_consumer.h"

namespace specwatch::testing {

class GatedDelivery final : public QueuedDelivery {
 public:
  struct Shared {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t permits = 0;
    bool open = false;  // every deliver() passes
    DeliveryStatus status = DeliveryStatus::kDelivered;
    std::size_t waiting = 0;  // deliver() calls waiting for a permit
    std::vector<std::string> delivered;
    int finished = 0;

    void grant(std::size_t n) {
      std::lock_guard lock(mutex);
      permits += n;
      changed.notify_all();
    }
    void open_gate() {
      std::lock_guard lock(mutex);
      open = true;
      changed.notify_all();
    }
    // Waits (at most 5 s) until `predicate` holds under the lock.
    template <typename Predicate>
    bool wait_for(Predicate predicate) {
      std::unique_lock lock(mutex);
      return changed.wait_for(lock, std::chrono::seconds(5), [&] { return predicate(*this); });
    }
  };

  explicit GatedDelivery(Shared& shared) : shared_(shared) {}

  void encode(const EventBatch& batch, EncodedBatch& out) override {
    out.events = batch.events.size();
    out.bytes = batch.source() + ":" + std::to_string(out.events);
  }

  DeliveryStatus deliver(const EncodedBatch& batch) override {
    std::unique_lock lock(shared_.mutex);
    ++shared_.waiting;
    shared_.changed.notify_all();
    shared_.changed.wait(lock, [&] { return shared_.open || shared_.permits > 0; });
    if (!shared_.open) --shared_.permits;
    --shared_.waiting;
    shared_.delivered.push_back(batch.bytes);
    shared_.changed.notify_all();
    return shared_.status;
  }

  void finish() override {
    std::lock_guard lock(shared_.mutex);
    ++shared_.finished;
    shared_.changed.notify_all();
  }

 private:
  Shared& shared_;
};

}  // namespace specwatch::testing
