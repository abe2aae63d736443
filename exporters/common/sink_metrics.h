// The self-metrics every sink reports, in the shared component families (docs/METRICS.md):
//   specwatch_component_events_total{component, kind="sink", outcome}: outcome "received" (events
//     handed to the sink), "sent" (written / accepted by the destination), "failed" (could not be
//     delivered: the batch is acknowledged as failed, so its source reads it again), "dropped"
//     (discarded on purpose, counted; a synchronous sink drops nothing);
//   specwatch_component_queue_events{component}: events held and not yet delivered (0 for a
//     synchronous sink, which holds nothing after consume() returns).
// Several components register on one registry: prometheus-cpp returns the same family for the same
// name and help, so the definitions below are the only place that spells them.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

namespace specwatch {

struct SinkMetrics {
  SinkMetrics(prometheus::Registry& registry, const std::string& component);

  prometheus::Counter& received;
  prometheus::Counter& sent;
  prometheus::Counter& failed;
  prometheus::Counter& dropped;
  prometheus::Gauge& queue_events;
};

}  // namespace specwatch
