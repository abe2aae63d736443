#include "exporters/common/sink_metrics.h"

#include "sidecar/core/component_metrics.h"

namespace specwatch {
namespace {

// The shared families are spelled once, in sidecar/core/component_metrics.h.
SinkMetrics from(const ComponentCounters& counters, prometheus::Gauge& queue) {
  return SinkMetrics{counters.received, counters.sent, counters.failed, counters.dropped, queue};
}

}  // namespace

SinkMetrics::SinkMetrics(prometheus::Registry& registry, const std::string& component)
    : SinkMetrics(from(component_counters(registry, component, ComponentKind::kSink),
                       component_queue_gauge(registry, component))) {}

ForwarderMetrics::ForwarderMetrics(prometheus::Registry& registry, const std::string& component)
    : sink(registry, component),
      delivery(delivery_counters(registry, component, ComponentKind::kSink)),
      spool(spool_gauges(registry, component)) {}

}  // namespace specwatch
