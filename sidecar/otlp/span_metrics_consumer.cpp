#include "sidecar/otlp/span_metrics_consumer.h"

namespace specwatch {

SpanMetricsConsumer::SpanMetricsConsumer(SpanMetrics& metrics, prometheus::Registry& registry,
                                         std::string name)
    : metrics_(metrics),
      name_(std::move(name)),
      counters_(component_counters(registry, name_, ComponentKind::kStage)) {}

void SpanMetricsConsumer::consume(const EventBatch& batch) {
  spans_.clear();
  SpanObservation span;
  for (const Record& record : batch.records.records) {
    if (record.format != RecordFormat::kValue) continue;  // not decoded by a receiver
    if (span_observation_of(record, span)) spans_.push_back(span);
  }
  if (spans_.empty()) return;
  const auto count = static_cast<double>(spans_.size());
  counters_.received.Increment(count);
  metrics_.observe(batch.service(), spans_);  // one lock per batch
  counters_.sent.Increment(count);
}

}  // namespace specwatch
