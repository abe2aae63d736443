#include "exporters/elasticsearch/elasticsearch_sink.h"

#include <chrono>

#include "exporters/common/exporter_redaction.h"

namespace specwatch {

ElasticsearchSink::ElasticsearchSink(ElasticsearchSinkSettings settings, PricingTable pricing,
                                     const RedactionConfig& redaction,
                                     prometheus::Registry& registry, Logger& logger)
    : settings_(std::move(settings)),
      sources_(settings_.sources.begin(), settings_.sources.end()),
      redaction_(make_export_redactor(settings_.elasticsearch.redact,
                                      settings_.elasticsearch.redaction, redaction, registry)),
      metrics_(registry, settings_.name),
      logger_(logger),
      encoder_(std::move(pricing), settings_.elasticsearch.include_original,
               redaction_ ? &redaction_->redactor() : nullptr,
               settings_.elasticsearch.data_stream.empty() ? settings_.elasticsearch.index
                                                           : settings_.elasticsearch.data_stream),
      dead_letter_(settings_.name,
                   settings_.elasticsearch.dead_letter.path.empty()
                       ? default_dead_letter_path(settings_.state_dir, settings_.name)
                       : settings_.elasticsearch.dead_letter.path,
                   settings_.elasticsearch.dead_letter, metrics_.delivery.dead_lettered),
      buffer_(ForwardBufferSettings{settings_.name, "Elasticsearch exporter",
                                    settings_.elasticsearch.spool, settings_.state_dir,
                                    settings_.elasticsearch.queue_max_events},
              metrics_, logger_) {}

ElasticsearchSink::~ElasticsearchSink() {
  stop(0);
}

void ElasticsearchSink::start() {
  std::lock_guard lock(state_mutex_);
  if (started_ || stopped_.load()) return;
  started_ = true;
  if (std::string error = buffer_.open(); !error.empty()) {
    reason_ = error;
    return;
  }
  sender_ = std::make_unique<ElasticsearchSender>(
      settings_.name, settings_.elasticsearch, metrics_, dead_letter_, logger_,
      [this] { return buffer_.next(); },
      [this](PendingEntry& entry, DeliveryStatus status) { buffer_.settle(entry, status); },
      [this](std::int64_t oldest, std::size_t events) { buffer_.report(oldest, events); });
  thread_.start([this] { sender_->run(); });
  reason_.clear();
  running_.store(true);
  ready_.store(true, std::memory_order_release);
}

void ElasticsearchSink::stop(int drain_timeout_ms) {
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

std::string ElasticsearchSink::not_ready_reason() const {
  std::lock_guard lock(state_mutex_);
  return reason_;
}

std::string ElasticsearchSink::peer_error() const {
  std::lock_guard lock(state_mutex_);
  return sender_ && running_.load() ? sender_->peer_error() : "";
}

bool ElasticsearchSink::takes(const std::string& source) const {
  return sources_.empty() || sources_.contains(source);
}

void ElasticsearchSink::consume(const EventBatch& batch) {
  if (batch.events.empty() || !takes(batch.source())) return;
  const std::size_t events = batch.events.size();
  metrics_.sink.received.Increment(static_cast<double>(events));
  if (!running_.load()) {
    metrics_.sink.failed.Increment(static_cast<double>(events));
    batch.ack().update(DeliveryStatus::kFailed);
    return;
  }
  std::lock_guard lock(encode_mutex_);
  const std::string& entry = encoder_.encode(batch);
  if (redaction_ && encoder_.documents().redaction_total() > 0) {
    redaction_->count(encoder_.documents().redactions());
    encoder_.documents().reset_redactions();
  }
  buffer_.store(batch, events, entry);
}

}  // namespace specwatch
