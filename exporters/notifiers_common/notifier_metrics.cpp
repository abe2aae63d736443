#include "exporters/notifiers_common/notifier_metrics.h"

namespace specwatch {
namespace {

prometheus::Family<prometheus::Counter>& notifications_family(prometheus::Registry& registry) {
  return prometheus::BuildCounter()
      .Name("specwatch_notifications_total")
      .Help("Alert notifications by notifier and outcome (sent, failed, dropped, retried).")
      .Register(registry);
}

prometheus::Counter& outcome(prometheus::Registry& registry, const std::string& notifier,
                             const char* name) {
  return notifications_family(registry).Add({{"notifier", notifier}, {"outcome", name}});
}

}  // namespace

NotifierMetrics::NotifierMetrics(prometheus::Registry& registry, const std::string& notifier)
    : sent(outcome(registry, notifier, "sent")),
      failed(outcome(registry, notifier, "failed")),
      dropped(outcome(registry, notifier, "dropped")),
      retried(outcome(registry, notifier, "retried")),
      component(component_counters(registry, notifier, ComponentKind::kNotifier)),
      queue(component_queue_gauge(registry, notifier)) {}

}  // namespace specwatch
