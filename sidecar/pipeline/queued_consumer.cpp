#include "sidecar/pipeline/queued_consumer.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace specwatch {

QueuedConsumer::QueuedConsumer(std::string name, QueueConfig config,
                               std::unique_ptr<QueuedDelivery> delivery,
                               prometheus::Registry& registry)
    : name_(std::move(name)),
      config_(config),
      delivery_(std::move(delivery)),
      counters_(component_counters(registry, name_, ComponentKind::kSink)),
      queue_gauge_(component_queue_gauge(registry, name_)),
      // Every queued batch holds at least one event's weight, so the item bound never binds
      // before the event bound does.
      queue_(std::max<std::size_t>(config.max_events, 1),
             std::max<std::size_t>(config.max_events, 1)) {}

QueuedConsumer::~QueuedConsumer() {
  stop(0);
}

void QueuedConsumer::start() {
  if (stopped_.load() || started_.exchange(true)) return;
  worker_ = std::thread([this] { run(); });
}

void QueuedConsumer::stop(int drain_timeout_ms) {
  if (stopped_.exchange(true)) return;
  queue_.close();
  if (worker_.joinable()) {
    {
      std::unique_lock lock(mutex_);
      if (!worker_done_changed_.wait_for(lock, std::chrono::milliseconds(drain_timeout_ms),
                                         [&] { return worker_done_; })) {
        abandon_.store(true);
      }
    }
    worker_.join();
    return;
  }
  // Never started: nothing was delivered; what was queued goes back to its sources.
  while (auto item = queue_.pop()) settle(*item, DeliveryStatus::kFailed);
  update_gauge();
  delivery_->finish();
}

bool QueuedConsumer::ready() const {
  return started_.load() && !stopped_.load();
}

std::string QueuedConsumer::not_ready_reason() const {
  if (stopped_.load()) return "stopped";
  if (!started_.load()) return "not started";
  return {};
}

void QueuedConsumer::consume(const EventBatch& batch) {
  Item item;
  delivery_->encode(batch, item.batch);
  if (item.batch.events == 0 && item.batch.bytes.empty()) return;
  const auto events = static_cast<double>(item.batch.events);
  counters_.received.Increment(events);
  item.ack = batch.ack();
  const std::size_t weight = std::max<std::size_t>(item.batch.events, 1);
  bool queued = false;
  if (config_.when_full == QueueConfig::WhenFull::kDrop) {
    queued = queue_.try_push_for(item, weight, std::chrono::milliseconds(0));
    if (!queued && !stopped_.load()) {
      counters_.dropped.Increment(events);
      item.ack.update(DeliveryStatus::kRejected);
      return;  // the copy is released here
    }
  } else {
    queued = queue_.push(std::move(item), weight);
  }
  if (!queued) {  // stopped: the source keeps the data for a re-read
    counters_.failed.Increment(events);
    item.ack.update(DeliveryStatus::kFailed);
  }
  update_gauge();
}

void QueuedConsumer::run() {
  while (auto item = queue_.pop()) {
    update_gauge();
    const DeliveryStatus status =
        abandon_.load() ? DeliveryStatus::kFailed : delivery_->deliver(item->batch);
    settle(*item, status);
  }
  delivery_->finish();
  std::lock_guard lock(mutex_);
  worker_done_ = true;
  worker_done_changed_.notify_all();
}

void QueuedConsumer::settle(Item& item, DeliveryStatus status) {
  const auto events = static_cast<double>(item.batch.events);
  switch (status) {
    case DeliveryStatus::kDelivered:
      counters_.sent.Increment(events);
      break;
    case DeliveryStatus::kRejected:
      counters_.dropped.Increment(events);
      break;
    case DeliveryStatus::kFailed:
      counters_.failed.Increment(events);
      break;
  }
  item.ack.update(status);
  item.ack.release();
}

void QueuedConsumer::update_gauge() {
  queue_gauge_.Set(static_cast<double>(queue_.weight()));
}

}  // namespace specwatch
