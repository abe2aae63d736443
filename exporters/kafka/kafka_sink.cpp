#include "exporters/kafka/kafka_sink.h"

#include <chrono>

#include "exporters/common/spool_config.h"

namespace specwatch {
namespace {

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view key_of(const CanonicalEvent& event, std::string_view service, KafkaKeyField key) {
  switch (key) {
    case KafkaKeyField::kTraceId:
      return event.trace_id;
    case KafkaKeyField::kWorkflowId:
      return event.workflow_id;
    case KafkaKeyField::kSpanId:
      return event.span_id;
    case KafkaKeyField::kService:
      return service;
    case KafkaKeyField::kNone:
      break;
  }
  return {};
}

}  // namespace

KafkaSink::KafkaSink(KafkaSinkSettings settings, PricingTable pricing,
                     const RedactionConfig& redaction, prometheus::Registry& registry,
                     Logger& logger)
    : settings_(std::move(settings)),
      sources_(settings_.sources.begin(), settings_.sources.end()),
      redaction_(settings_.kafka.redact
                     ? std::make_unique<SiteRedactor>(registry, redaction, RedactionSite::kExport)
                     : nullptr),
      metrics_(registry, settings_.name),
      logger_(logger),
      encoder_(std::move(pricing), settings_.kafka.include_original,
               redaction_ ? &redaction_->redactor() : nullptr),
      router_(settings_.kafka.topic, settings_.kafka.max_topics, settings_.kafka.overflow_topic),
      dead_letter_(settings_.name,
                   settings_.kafka.dead_letter.path.empty()
                       ? default_dead_letter_path(settings_.state_dir, settings_.name)
                       : settings_.kafka.dead_letter.path,
                   settings_.kafka.dead_letter, metrics_.delivery.dead_lettered) {}

KafkaSink::~KafkaSink() {
  stop(0);
}

void KafkaSink::start() {
  std::lock_guard lock(state_mutex_);
  if (started_ || stopped_.load()) return;
  started_ = true;
  if (settings_.kafka.spool.enabled) {
    spool_ = std::make_unique<DiskSpool>(
        spool_options(settings_.kafka.spool, settings_.state_dir, settings_.name),
        [this](const std::string& segment, const std::string& why) {
          metrics_.spool.corrupt_segments.Increment();
          logger_.error("Kafka exporter skips the rest of a corrupt spool segment",
                        {{"exporter", settings_.name}, {"segment", segment}, {"error", why}});
        });
    if (std::string error = spool_->open(); !error.empty()) {
      reason_ = "cannot open the spool: " + error;
      logger_.error("Kafka exporter cannot open its spool",
                    {{"exporter", settings_.name}, {"error", error}});
      return;
    }
    metrics_.spool.bytes.Set(static_cast<double>(spool_->bytes()));
  }
  sender_ = std::make_unique<KafkaSender>(
      settings_.name, settings_.kafka, metrics_, dead_letter_, logger_,
      [this] { return next_entry(); },
      [this](KafkaPending& pending, DeliveryStatus status) { settle(pending, status); },
      [this](std::int64_t oldest) { report(oldest); });
  if (std::string error = sender_->create(); !error.empty()) {
    reason_ = error;
    logger_.error("Kafka exporter cannot start", {{"exporter", settings_.name}, {"error", error}});
    return;
  }
  thread_ = std::thread([this] {
    sender_->run();
    std::lock_guard done(done_mutex_);
    sender_done_ = true;
    done_changed_.notify_all();
  });
  reason_.clear();
  running_.store(true);
  ready_.store(true, std::memory_order_release);
}

void KafkaSink::stop(int drain_timeout_ms) {
  {
    std::lock_guard lock(state_mutex_);
    if (stopped_.exchange(true)) return;
    running_.store(false);
    ready_.store(false, std::memory_order_release);
    reason_ = "stopped";
  }
  // Wakes a consume() waiting for room; what it held is failed for a re-read.
  if (spool_) spool_->close();
  memory_changed_.notify_all();
  if (thread_.joinable()) {
    sender_->drain();
    std::unique_lock done(done_mutex_);
    done_changed_.wait_for(done, std::chrono::milliseconds(std::max(drain_timeout_ms, 0)),
                           [&] { return sender_done_; });
    done.unlock();
    sender_->quit();
    thread_.join();
  }
  // Without a spool, batches never taken by the sender go back to their sources.
  std::deque<KafkaPending> never_taken;
  {
    std::lock_guard lock(memory_mutex_);
    never_taken.swap(memory_);
  }
  for (KafkaPending& pending : never_taken) settle(pending, DeliveryStatus::kFailed);
  if (spool_) spool_->close();  // the cursor after the last commits
}

std::string KafkaSink::not_ready_reason() const {
  std::lock_guard lock(state_mutex_);
  return reason_;
}

std::string KafkaSink::peer_error() const {
  return sender_ ? sender_->peer_error() : "";
}

bool KafkaSink::takes(const std::string& source) const {
  return sources_.empty() || sources_.contains(source);
}

void KafkaSink::fail(const EventBatch& batch, std::size_t events) {
  metrics_.sink.failed.Increment(static_cast<double>(events));
  batch.ack().update(DeliveryStatus::kFailed);
}

void KafkaSink::encode(const EventBatch& batch) {
  lines_.clear();
  ends_.clear();
  encoder_.encode(batch, lines_, ends_);
  if (redaction_ && encoder_.documents().redaction_total() > 0) {
    redaction_->count(encoder_.documents().redactions());
    encoder_.documents().reset_redactions();
  }
  entry_.begin(batch.source());
  std::size_t begin = 0;
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const CanonicalEvent& event = batch.events[i];
    const std::string_view service = event.service.empty() ? batch.service() : event.service;
    const std::string_view kind = EventKindName(event.kind());
    KafkaMessage message;
    message.topic = router_.topic(service, batch.source(), kind);
    message.key = key_of(event, service, settings_.kafka.key);
    message.service = service;
    message.kind = kind;
    // The document without its line break.
    message.value = std::string_view(lines_).substr(begin, ends_[i] - 1 - begin);
    entry_.add(message);
    begin = ends_[i];
  }
}

void KafkaSink::consume(const EventBatch& batch) {
  if (batch.events.empty() || !takes(batch.source())) return;
  const std::size_t events = batch.events.size();
  metrics_.sink.received.Increment(static_cast<double>(events));
  if (!running_.load()) {
    fail(batch, events);
    return;
  }
  std::lock_guard lock(encode_mutex_);
  encode(batch);
  if (spool_) {
    store_in_spool(batch, events);
  } else {
    hold_in_memory(batch, events);
  }
}

void KafkaSink::store_in_spool(const EventBatch& batch, std::size_t events) {
  switch (spool_->append(entry_.bytes())) {
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
        logger_.error("Kafka exporter cannot write its spool; batches are kept by their sources",
                      {{"exporter", settings_.name}, {"error", error}});
        last_spool_error_ = error;
      }
      return;
    }
  }
}

void KafkaSink::hold_in_memory(const EventBatch& batch, std::size_t events) {
  std::unique_lock lock(memory_mutex_);
  memory_changed_.wait(lock, [&] {
    return !running_.load() || held_events_ == 0 ||
           held_events_ + events <= settings_.kafka.queue_max_events;
  });
  if (!running_.load()) {
    lock.unlock();
    fail(batch, events);
    return;
  }
  KafkaPending pending;
  pending.ack = batch.ack();
  pending.written_unix_ms = now_unix_ms();
  pending.events = events;
  pending.payload = entry_.bytes();
  memory_.push_back(std::move(pending));
  held_events_ += events;
  metrics_.sink.queue_events.Set(static_cast<double>(held_events_));
}

std::optional<KafkaPending> KafkaSink::next_entry() {
  if (spool_) {
    std::optional<SpoolEntry> entry = spool_->next(std::chrono::milliseconds(0));
    if (!entry) return std::nullopt;
    KafkaPending pending;
    pending.sequence = entry->sequence;
    pending.written_unix_ms = entry->written_unix_ms;
    pending.payload = std::move(entry->payload);
    return pending;
  }
  std::lock_guard lock(memory_mutex_);
  if (memory_.empty()) return std::nullopt;
  KafkaPending pending = std::move(memory_.front());
  memory_.pop_front();
  return pending;
}

void KafkaSink::settle(KafkaPending& pending, DeliveryStatus status) {
  if (spool_) {
    // A failed entry (the sender stopped) stays in the spool for the next start.
    if (status != DeliveryStatus::kFailed) spool_->commit(pending.sequence);
    return;
  }
  if (status == DeliveryStatus::kFailed) {
    metrics_.sink.failed.Increment(static_cast<double>(pending.events));
  }
  pending.ack.update(status);
  pending.ack.release();
  {
    std::lock_guard lock(memory_mutex_);
    held_events_ -= std::min(held_events_, pending.events);
  }
  memory_changed_.notify_all();
}

void KafkaSink::report(std::int64_t oldest_in_flight_unix_ms) {
  std::int64_t oldest = oldest_in_flight_unix_ms;
  auto older = [&](std::int64_t candidate) {
    if (candidate != 0 && (oldest == 0 || candidate < oldest)) oldest = candidate;
  };
  if (spool_) {
    older(spool_->oldest_unix_ms().value_or(0));
    metrics_.spool.bytes.Set(static_cast<double>(spool_->bytes()));
    metrics_.sink.queue_events.Set(static_cast<double>(sender_->in_flight_events()));
  } else {
    std::lock_guard lock(memory_mutex_);
    if (!memory_.empty()) older(memory_.front().written_unix_ms);
    metrics_.sink.queue_events.Set(static_cast<double>(held_events_));
  }
  metrics_.spool.oldest_unacknowledged_age_seconds.Set(
      oldest == 0 ? 0.0 : static_cast<double>(now_unix_ms() - oldest) / 1000.0);
}

}  // namespace specwatch
