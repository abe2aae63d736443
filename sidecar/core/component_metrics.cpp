#include "sidecar/core/component_metrics.h"

namespace specwatch {

std::string_view component_kind_name(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kSource:
      return "source";
    case ComponentKind::kStage:
      return "stage";
    case ComponentKind::kSink:
      return "sink";
    case ComponentKind::kNotifier:
      return "notifier";
  }
  return "stage";
}

ComponentCounters component_counters(prometheus::Registry& registry, const std::string& component,
                                     ComponentKind kind) {
  auto& family = prometheus::BuildCounter()
                     .Name("specwatch_component_events_total")
                     .Help("Events handed to each component, and what became of them.")
                     .Register(registry);
  const std::string kind_label(component_kind_name(kind));
  auto series = [&](const char* outcome) -> prometheus::Counter& {
    return family.Add({{"component", component}, {"kind", kind_label}, {"outcome", outcome}});
  };
  return {series("received"), series("sent"), series("failed"), series("dropped")};
}

prometheus::Gauge& component_queue_gauge(prometheus::Registry& registry,
                                         const std::string& component) {
  return prometheus::BuildGauge()
      .Name("specwatch_component_queue_events")
      .Help("Events waiting in a component's own queue.")
      .Register(registry)
      .Add({{"component", component}});
}

}  // namespace specwatch
