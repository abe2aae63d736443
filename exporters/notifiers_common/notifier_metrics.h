// The self-metrics of a notifier (docs/METRICS.md):
//   specwatch_notifications_total{notifier, outcome}: one per alert notification, outcome
//     sent (accepted by the destination), failed (rejected, or retries exhausted), dropped (the
//     queue was full), retried (an attempt repeated after 429, 5xx or no answer);
//   and the shared component families with kind="notifier" (sidecar/core/component_metrics.h).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

#include "sidecar/core/component_metrics.h"

namespace specwatch {

struct NotifierMetrics {
  NotifierMetrics(prometheus::Registry& registry, const std::string& notifier);

  prometheus::Counter& sent;
  prometheus::Counter& failed;
  prometheus::Counter& dropped;
  prometheus::Counter& retried;
  ComponentCounters component;
  prometheus::Gauge& queue;
};

}  // namespace specwatch
