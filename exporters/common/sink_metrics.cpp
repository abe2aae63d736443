#include "exporters/common/sink_metrics.h"

#include <prometheus/gauge.h>

#include "sidecar/core/component_metrics.h"

namespace specwatch {
namespace {

// The shared families are spelled once, in sidecar/core/component_metrics.h.
SinkMetrics from(const ComponentCounters& counters, prometheus::Gauge& queue) {
  return SinkMetrics{counters.received, counters.sent, counters.failed, counters.dropped, queue};
}

prometheus::Gauge& exporter_up_gauge(prometheus::Registry& registry, const std::string& exporter) {
  auto& family = prometheus::BuildGauge()
                     .Name("specwatch_exporter_up")
                     .Help(
                         "1 while the exporter reaches its peer (Kafka, Elasticsearch), 0 while "
                         "its last exchange failed for want of the peer")
                     .Register(registry);
  auto& gauge = family.Add({{"exporter", exporter}});
  gauge.Set(1);
  return gauge;
}

}  // namespace

SinkMetrics::SinkMetrics(prometheus::Registry& registry, const std::string& component)
    : SinkMetrics(from(component_counters(registry, component, ComponentKind::kSink),
                       component_queue_gauge(registry, component))) {}

ForwarderMetrics::ForwarderMetrics(prometheus::Registry& registry, const std::string& component)
    : sink(registry, component),
      delivery(delivery_counters(registry, component, ComponentKind::kSink)),
      spool(spool_gauges(registry, component)),
      peer_up(exporter_up_gauge(registry, component)) {}

}  // namespace specwatch
