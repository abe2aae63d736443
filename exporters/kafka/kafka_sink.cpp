#include "exporters/kafka/kafka_sink.h"

#include <chrono>

#include "exporters/common/exporter_redaction.h"

namespace specwatch {
namespace {

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
      redaction_(make_export_redactor(settings_.kafka.redact, settings_.kafka.redaction, redaction,
                                      registry)),
      metrics_(registry, settings_.name),
      logger_(logger),
      encoder_(std::move(pricing), settings_.kafka.include_original,
               redaction_ ? &redaction_->redactor() : nullptr),
      router_(settings_.kafka.topic, settings_.kafka.max_topics, settings_.kafka.overflow_topic),
      dead_letter_(settings_.name,
                   settings_.kafka.dead_letter.path.empty()
                       ? default_dead_letter_path(settings_.state_dir, settings_.name)
                       : settings_.kafka.dead_letter.path,
                   settings_.kafka.dead_letter, metrics_.delivery.dead_lettered),
      buffer_(ForwardBufferSettings{settings_.name, "Kafka exporter", settings_.kafka.spool,
                                    settings_.state_dir, settings_.kafka.queue_max_events},
              metrics_, logger_) {}

KafkaSink::~KafkaSink() {
  stop(0);
}

void KafkaSink::start() {
  std::lock_guard lock(state_mutex_);
  if (started_ || stopped_.load()) return;
  started_ = true;
  if (std::string error = buffer_.open(); !error.empty()) {
    reason_ = error;
    return;
  }
  sender_ = std::make_unique<KafkaSender>(
      settings_.name, settings_.kafka, metrics_, dead_letter_, logger_,
      [this] { return buffer_.next(); },
      [this](KafkaPending& pending, DeliveryStatus status) { buffer_.settle(pending, status); },
      [this](std::int64_t oldest) { buffer_.report(oldest, sender_->in_flight_events()); });
  if (std::string error = sender_->create(); !error.empty()) {
    reason_ = error;
    logger_.error("Kafka exporter cannot start", {{"exporter", settings_.name}, {"error", error}});
    return;
  }
  thread_.start([this] { sender_->run(); });
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
  buffer_.close();
  thread_.stop(
      drain_timeout_ms, [this] { sender_->drain(); }, [this] { sender_->quit(); });
  // Without a spool, batches never taken by the sender go back to their sources.
  buffer_.fail_unsent();
  buffer_.close();  // the spool's cursor after the last commits
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
  buffer_.store(batch, events, entry_.bytes());
}

}  // namespace specwatch
