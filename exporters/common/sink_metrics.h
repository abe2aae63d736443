// The self-metrics every sink reports, in the shared component families (docs/METRICS.md):
//   specwatch_component_events_total{component, kind="sink", outcome}: outcome "received" (events
//     handed to the sink), "sent" (written / accepted by the destination), "failed" (could not be
//     delivered: the batch is acknowledged as failed, so its source reads it again), "dropped"
//     (discarded on purpose, counted; a synchronous sink drops nothing);
//   specwatch_component_queue_events{component}: events held and not yet delivered (0 for a
//     synchronous sink, which holds nothing after consume() returns).
// A forwarder (an exporter that sends to a remote peer and may spool to disk) adds the outcomes
// acknowledged, retried and dead_lettered, and its spool's gauges (ForwarderMetrics below).
// The families themselves are defined once, in sidecar/core/component_metrics.h.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

#include "sidecar/core/component_metrics.h"

namespace specwatch {

struct SinkMetrics {
  SinkMetrics(prometheus::Registry& registry, const std::string& component);
  SinkMetrics(prometheus::Counter& received, prometheus::Counter& sent, prometheus::Counter& failed,
              prometheus::Counter& dropped, prometheus::Gauge& queue_events)
      : received(received),
        sent(sent),
        failed(failed),
        dropped(dropped),
        queue_events(queue_events) {}

  prometheus::Counter& received;
  prometheus::Counter& sent;
  prometheus::Counter& failed;
  prometheus::Counter& dropped;
  prometheus::Gauge& queue_events;
};

struct ForwarderMetrics {
  ForwarderMetrics(prometheus::Registry& registry, const std::string& component);

  SinkMetrics sink;
  DeliveryCounters delivery;
  SpoolGauges spool;
  // specwatch_exporter_up{exporter}: 1 while the peer answers (or nothing was sent yet), 0 while
  // the last exchange failed for want of the peer (refused, timed out, 5xx, 429). Readiness stays
  // the sidecar's own: this gauge, `specwatch status` and /api/v1/status show the outage.
  prometheus::Gauge& peer_up;
};

}  // namespace specwatch
