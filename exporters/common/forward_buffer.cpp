#include "exporters/common/forward_buffer.h"

#include <algorithm>
#include <chrono>

namespace specwatch {

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ForwardBuffer::ForwardBuffer(ForwardBufferSettings settings, ForwarderMetrics& metrics,
                             Logger& logger)
    : settings_(std::move(settings)), metrics_(metrics), logger_(logger) {}

std::string ForwardBuffer::open() {
  if (!settings_.spool.enabled) return "";
  spool_ = std::make_unique<DiskSpool>(
      spool_options(settings_.spool, settings_.state_dir, settings_.exporter),
      [this](const std::string& segment, const std::string& why) {
        metrics_.spool.corrupt_segments.Increment();
        logger_.error(settings_.what + " skips the rest of a corrupt spool segment",
                      {{"exporter", settings_.exporter}, {"segment", segment}, {"error", why}});
      });
  if (std::string error = spool_->open(); !error.empty()) {
    spool_.reset();
    logger_.error(settings_.what + " cannot open its spool",
                  {{"exporter", settings_.exporter}, {"error", error}});
    return "cannot open the spool: " + error;
  }
  metrics_.spool.bytes.Set(static_cast<double>(spool_->bytes()));
  return "";
}

void ForwardBuffer::fail(const EventBatch& batch, std::size_t events) {
  metrics_.sink.failed.Increment(static_cast<double>(events));
  batch.ack().update(DeliveryStatus::kFailed);
}

void ForwardBuffer::store(const EventBatch& batch, std::size_t events, std::string_view payload) {
  if (spool_) {
    store_in_spool(batch, events, payload);
  } else {
    hold_in_memory(batch, events, payload);
  }
}

void ForwardBuffer::store_in_spool(const EventBatch& batch, std::size_t events,
                                   std::string_view payload) {
  switch (spool_->append(payload)) {
    case DiskSpool::AppendResult::kStored:
      metrics_.spool.bytes.Set(static_cast<double>(spool_->bytes()));
      return;
    case DiskSpool::AppendResult::kDropped:
      metrics_.sink.dropped.Increment(static_cast<double>(events));
      batch.ack().update(DeliveryStatus::kRejected);
      return;
    case DiskSpool::AppendResult::kClosed:
      fail(batch, events);
      return;
    case DiskSpool::AppendResult::kFailed: {
      metrics_.spool.write_failures.Increment();
      fail(batch, events);
      const std::string error = spool_->error();
      if (error != last_spool_error_) {
        logger_.error(settings_.what + " cannot write its spool; batches are kept by their sources",
                      {{"exporter", settings_.exporter}, {"error", error}});
        last_spool_error_ = error;
      }
      return;
    }
  }
}

void ForwardBuffer::hold_in_memory(const EventBatch& batch, std::size_t events,
                                   std::string_view payload) {
  std::unique_lock lock(memory_mutex_);
  memory_changed_.wait(lock, [&] {
    return closed_ || held_events_ == 0 || held_events_ + events <= settings_.queue_max_events;
  });
  if (closed_) {
    lock.unlock();
    fail(batch, events);
    return;
  }
  PendingEntry entry;
  entry.ack = batch.ack();
  entry.written_unix_ms = unix_ms_now();
  entry.events = events;
  entry.payload = payload;
  memory_.push_back(std::move(entry));
  held_events_ += events;
  metrics_.sink.queue_events.Set(static_cast<double>(held_events_));
}

std::optional<PendingEntry> ForwardBuffer::next() {
  if (spool_) {
    std::optional<SpoolEntry> spooled = spool_->next(std::chrono::milliseconds(0));
    if (!spooled) return std::nullopt;
    PendingEntry entry;
    entry.sequence = spooled->sequence;
    entry.written_unix_ms = spooled->written_unix_ms;
    entry.payload = std::move(spooled->payload);
    return entry;
  }
  std::lock_guard lock(memory_mutex_);
  if (memory_.empty()) return std::nullopt;
  PendingEntry entry = std::move(memory_.front());
  memory_.pop_front();
  return entry;
}

void ForwardBuffer::settle(PendingEntry& entry, DeliveryStatus status) {
  if (spool_) {
    // A failed entry (the delivery thread stopped) stays in the spool for the next start.
    if (status != DeliveryStatus::kFailed) spool_->commit(entry.sequence);
    spool_->recycle(std::move(entry.payload));
    return;
  }
  if (status == DeliveryStatus::kFailed) {
    metrics_.sink.failed.Increment(static_cast<double>(entry.events));
  }
  entry.ack.update(status);
  entry.ack.release();
  {
    std::lock_guard lock(memory_mutex_);
    held_events_ -= std::min(held_events_, entry.events);
  }
  memory_changed_.notify_all();
}

void ForwardBuffer::report(std::int64_t oldest_in_flight_unix_ms, std::size_t in_flight_events) {
  std::int64_t oldest = oldest_in_flight_unix_ms;
  auto older = [&](std::int64_t candidate) {
    if (candidate != 0 && (oldest == 0 || candidate < oldest)) oldest = candidate;
  };
  if (spool_) {
    older(spool_->oldest_unix_ms().value_or(0));
    metrics_.spool.bytes.Set(static_cast<double>(spool_->bytes()));
    metrics_.sink.queue_events.Set(static_cast<double>(in_flight_events));
  } else {
    std::lock_guard lock(memory_mutex_);
    if (!memory_.empty()) older(memory_.front().written_unix_ms);
    metrics_.sink.queue_events.Set(static_cast<double>(held_events_));
  }
  metrics_.spool.oldest_unacknowledged_age_seconds.Set(
      oldest == 0 ? 0.0 : static_cast<double>(unix_ms_now() - oldest) / 1000.0);
}

void ForwardBuffer::close() {
  {
    std::lock_guard lock(memory_mutex_);
    closed_ = true;
  }
  memory_changed_.notify_all();
  if (spool_) spool_->close();
}

void ForwardBuffer::fail_unsent() {
  std::deque<PendingEntry> never_taken;
  {
    std::lock_guard lock(memory_mutex_);
    never_taken.swap(memory_);
  }
  for (PendingEntry& entry : never_taken) settle(entry, DeliveryStatus::kFailed);
}

}  // namespace specwatch
