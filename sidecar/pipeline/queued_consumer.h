// A sink that delivers asynchronously: its own bounded queue of encoded batches and its own worker
// thread, around any QueuedDelivery (the part that knows how to encode events and where to write
// or send them). Reusable by every exporter; unit-tested in tests/unit/pipeline.
//
// consume() (pipeline worker) asks the delivery to encode the batch -- the events are gone after
// the call -- and queues the encoded bytes with a copy of the batch's BatchAck. The worker hands
// the queued batches to deliver() one by one, in order, and releases each BatchAck copy only after
// deliver() returned: kDelivered lets the source's checkpoint pass the batch; kFailed makes the
// source keep the data for a re-read; kRejected (also for a batch the queue dropped) lets it pass
// while saying the data was dropped.
//
// Bound: at most `queue.max_events` events wait. When the queue is full, `queue.when_full` says
// what happens: `block` (default) -- consume() waits, the pipeline stops, file sources wait on
// disk and OTLP receivers answer 503/UNAVAILABLE -- or `drop` -- the batch is discarded, counted
// as dropped and its acknowledgement marked kRejected. A batch larger than the whole bound is
// accepted when the queue is empty, so one large batch cannot wedge the sink.
//
// Self-metrics (component_metrics.h), per event: received (handed to consume()), sent (delivered),
// failed (deliver() failed, or the sink stopped before delivering), dropped (full queue in drop
// mode, or rejected by deliver()); specwatch_component_queue_events is the queue's depth.
#pragma once

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "sidecar/core/acknowledgement.h"
#include "sidecar/core/bounded_queue.h"
#include "sidecar/core/component_metrics.h"
#include "sidecar/core/sink.h"
#include "sidecar/pipeline/queue_config.h"

namespace specwatch {

// One batch as a sink encoded it.
struct EncodedBatch {
  std::string bytes;       // what the sink writes or sends (e.g. NDJSON lines)
  std::size_t events = 0;  // how many events it holds: what the queue's bound counts
};

// What a queued sink implements.
class QueuedDelivery {
 public:
  virtual ~QueuedDelivery() = default;
  // Pipeline worker, during QueuedConsumer::consume(): encodes what the sink needs of the batch
  // (only valid during the call). Leaving `out` empty (no bytes, no events) queues nothing.
  virtual void encode(const EventBatch& batch, EncodedBatch& out) = 0;
  // Delivery worker: writes or sends one encoded batch. kDelivered only once the data is stored
  // as the sink promises (written, fsynced when configured, accepted by the remote side).
  virtual DeliveryStatus deliver(const EncodedBatch& batch) = 0;
  // Delivery worker (or the thread calling stop() when the sink never started), exactly once,
  // after the last deliver(): flush, close, persist the final state.
  virtual void finish() {}
};

class QueuedConsumer final : public Sink {
 public:
  QueuedConsumer(std::string name, QueueConfig config, std::unique_ptr<QueuedDelivery> delivery,
                 prometheus::Registry& registry);
  // Stops without waiting: what is still queued is failed (the sources keep it for a re-read).
  ~QueuedConsumer() override;
  QueuedConsumer(const QueuedConsumer&) = delete;
  QueuedConsumer& operator=(const QueuedConsumer&) = delete;

  const std::string& name() const override { return name_; }
  // Starts the delivery worker. Once; no effect after stop().
  void start() override;
  // Refuses new batches (their acknowledgements report kFailed), delivers what is queued for at
  // most `drain_timeout_ms`, fails the rest, then calls finish(). Safe without start() and twice.
  void stop(int drain_timeout_ms) override;
  bool ready() const override;
  std::string not_ready_reason() const override;

  // May block while the queue is full (when_full: block): that is backpressure.
  void consume(const EventBatch& batch) override;

  std::size_t queued_events() const { return queue_.weight(); }

 private:
  struct Item {
    EncodedBatch batch;
    BatchAck ack;  // this sink's copy, released once the batch is settled
  };
  void run();
  void settle(Item& item, DeliveryStatus status);
  void update_gauge();

  std::string name_;
  QueueConfig config_;
  std::unique_ptr<QueuedDelivery> delivery_;
  ComponentCounters counters_;
  prometheus::Gauge& queue_gauge_;
  BoundedQueue<Item> queue_;  // weight: events
  std::thread worker_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
  // Past the drain deadline the worker fails what is left instead of delivering it.
  std::atomic<bool> abandon_{false};
  std::mutex mutex_;
  std::condition_variable worker_done_changed_;
  bool worker_done_ = false;
};

}  // namespace specwatch
