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

namespace {

prometheus::Counter& events_series(prometheus::Registry& registry, const std::string& component,
                                   ComponentKind kind, const char* outcome) {
  auto& family = prometheus::BuildCounter()
                     .Name("specwatch_component_events_total")
                     .Help("Events handed to each component, and what became of them.")
                     .Register(registry);
  return family.Add({{"component", component},
                     {"kind", std::string(component_kind_name(kind))},
                     {"outcome", outcome}});
}

}  // namespace

ComponentCounters component_counters(prometheus::Registry& registry, const std::string& component,
                                     ComponentKind kind) {
  auto series = [&](const char* outcome) -> prometheus::Counter& {
    return events_series(registry, component, kind, outcome);
  };
  return {series("received"), series("sent"), series("failed"), series("dropped")};
}

DeliveryCounters delivery_counters(prometheus::Registry& registry, const std::string& component,
                                   ComponentKind kind) {
  auto series = [&](const char* outcome) -> prometheus::Counter& {
    return events_series(registry, component, kind, outcome);
  };
  return {series("acknowledged"), series("retried"), series("dead_lettered")};
}

SpoolGauges spool_gauges(prometheus::Registry& registry, const std::string& component) {
  auto& bytes = prometheus::BuildGauge()
                    .Name("specwatch_component_spool_bytes")
                    .Help("Bytes of a component's disk spool (segment files on disk).")
                    .Register(registry)
                    .Add({{"component", component}});
  auto& age = prometheus::BuildGauge()
                  .Name("specwatch_component_oldest_unacknowledged_age_seconds")
                  .Help(
                      "Age of the oldest event a component holds that its peer has not "
                      "acknowledged; 0 when none.")
                  .Register(registry)
                  .Add({{"component", component}});
  auto& errors = prometheus::BuildCounter()
                     .Name("specwatch_component_spool_errors_total")
                     .Help("Errors of a component's disk spool, by reason.")
                     .Register(registry);
  return {bytes, age, errors.Add({{"component", component}, {"reason", "corrupt_segment"}}),
          errors.Add({{"component", component}, {"reason", "write_failed"}})};
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
