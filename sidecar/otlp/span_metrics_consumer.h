// The event consumer that computes the RED span metrics (SpanMetrics) of every span received over
// OTLP. It reads the span records themselves (span_observation_of), not the events: the metrics
// must not depend on what the batch's profile maps a span onto. Records of any other kind (log
// records, records read from files) are skipped. It holds nothing beyond consume().
// Self-metrics: specwatch_component_events_total{component="span-metrics",kind="stage"}, received
// and sent per span record.
#pragma once

#include <prometheus/registry.h>

#include <string>
#include <vector>

#include "sidecar/core/component_metrics.h"
#include "sidecar/core/event_consumer.h"
#include "sidecar/otlp/otlp_records.h"
#include "sidecar/otlp/span_metrics.h"

namespace specwatch {

class SpanMetricsConsumer final : public EventConsumer {
 public:
  SpanMetricsConsumer(SpanMetrics& metrics, prometheus::Registry& registry,
                      std::string name = "span-metrics");

  const std::string& name() const override { return name_; }
  // Called on the pipeline worker only (the observation buffer is reused batch after batch).
  void consume(const EventBatch& batch) override;

 private:
  SpanMetrics& metrics_;
  std::string name_;
  ComponentCounters counters_;
  std::vector<SpanObservation> spans_;
};

}  // namespace specwatch
