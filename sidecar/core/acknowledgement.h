// End-to-end acknowledgement: a source attaches a BatchAck to each batch it emits; every consumer
// that holds the batch (the pipeline, later each sink) keeps a copy of the BatchAck until it has
// finished with the events, and may mark the delivery as failed. When the last copy is released
// the source's callback runs once, on whichever thread released it, with the combined status.
// A file source uses that callback to advance its checkpoint only over delivered data.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

namespace specwatch {

enum class DeliveryStatus : std::uint8_t {
  kDelivered = 0,  // every consumer has processed or stored the events
  kRejected = 1,   // a consumer dropped events permanently (counted and logged by it)
  kFailed = 2,     // a consumer could not deliver; the source should keep the data for a re-read
};

using AckCallback = std::function<void(DeliveryStatus)>;

class BatchAck {
 public:
  BatchAck() = default;
  explicit BatchAck(AckCallback callback) : state_(std::make_shared<State>(std::move(callback))) {}

  // Copies share one pending acknowledgement; the callback runs when the last copy goes away.
  BatchAck(const BatchAck&) = default;
  BatchAck& operator=(const BatchAck&) = default;
  BatchAck(BatchAck&&) noexcept = default;
  BatchAck& operator=(BatchAck&&) noexcept = default;

  // Worst status wins: kFailed over kRejected over kDelivered.
  void update(DeliveryStatus status) const {
    if (!state_) return;
    auto value = static_cast<std::uint8_t>(status);
    auto current = state_->status.load(std::memory_order_relaxed);
    while (value > current &&
           !state_->status.compare_exchange_weak(current, value, std::memory_order_acq_rel)) {
    }
  }

  // Drops this copy now rather than at destruction.
  void release() { state_.reset(); }

  bool empty() const { return state_ == nullptr; }

 private:
  struct State {
    explicit State(AckCallback cb) : callback(std::move(cb)) {}
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() {
      if (callback) callback(static_cast<DeliveryStatus>(status.load(std::memory_order_acquire)));
    }
    AckCallback callback;
    std::atomic<std::uint8_t> status{0};
  };
  std::shared_ptr<State> state_;
};

}  // namespace specwatch
