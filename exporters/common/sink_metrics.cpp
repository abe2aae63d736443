#include "exporters/common/sink_metrics.h"

namespace specwatch {
namespace {

prometheus::Family<prometheus::Counter>& events_family(prometheus::Registry& registry) {
  return prometheus::BuildCounter()
      .Name("specwatch_component_events_total")
      .Help("Events handled by each component, by kind of component and outcome.")
      .Register(registry);
}

prometheus::Family<prometheus::Gauge>& queue_family(prometheus::Registry& registry) {
  return prometheus::BuildGauge()
      .Name("specwatch_component_queue_events")
      .Help("Events a component holds that are not yet delivered.")
      .Register(registry);
}

prometheus::Counter& events(prometheus::Registry& registry, const std::string& component,
                            const char* outcome) {
  return events_family(registry).Add(
      {{"component", component}, {"kind", "sink"}, {"outcome", outcome}});
}

}  // namespace

SinkMetrics::SinkMetrics(prometheus::Registry& registry, const std::string& component)
    : received(events(registry, component, "received")),
      sent(events(registry, component, "sent")),
      failed(events(registry, component, "failed")),
      dropped(events(registry, component, "dropped")),
      queue_events(queue_family(registry).Add({{"component", component}})) {}

}  // namespace specwatch
