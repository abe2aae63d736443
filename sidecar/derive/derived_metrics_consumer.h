// The event consumer that turns each batch's events into the derived metrics (DerivedMetrics),
// with the tool of the batch's profile. It holds nothing beyond consume(): the metrics are
// updated before the call returns, so it keeps no copy of the batch's acknowledgement.
// Self-metrics: specwatch_component_events_total{component="derived-metrics",kind="stage"},
// received and sent (recorded) per event.
#pragma once

#include <prometheus/registry.h>

#include <string>

#include "sidecar/core/component_metrics.h"
#include "sidecar/core/event_consumer.h"
#include "sidecar/derive/derived_metrics.h"

namespace specwatch {

class DerivedMetricsConsumer final : public EventConsumer {
 public:
  DerivedMetricsConsumer(DerivedMetrics& metrics, prometheus::Registry& registry,
                         std::string name = "derived-metrics");

  const std::string& name() const override { return name_; }
  void consume(const EventBatch& batch) override;

 private:
  DerivedMetrics& metrics_;
  std::string name_;
  ComponentCounters counters_;
};

}  // namespace specwatch
