#include "sidecar/derive/derived_metrics_consumer.h"

namespace specwatch {

DerivedMetricsConsumer::DerivedMetricsConsumer(DerivedMetrics& metrics,
                                               prometheus::Registry& registry, std::string name)
    : metrics_(metrics),
      name_(std::move(name)),
      counters_(component_counters(registry, name_, ComponentKind::kStage)) {}

void DerivedMetricsConsumer::consume(const EventBatch& batch) {
  if (batch.events.empty()) return;  // nothing to record: not even the metrics' mutex
  const auto count = static_cast<double>(batch.events.size());
  counters_.received.Increment(count);
  // Once per batch: DerivedMetrics takes its mutex once for all of the batch's events.
  metrics_.record(batch.events, batch.tool);
  counters_.sent.Increment(count);
}

}  // namespace specwatch
