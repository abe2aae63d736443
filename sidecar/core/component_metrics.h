// The self-metrics every component reports the same way, named once here:
//   specwatch_component_events_total{component, kind, outcome}   counter
//   specwatch_component_queue_events{component}                    gauge
// kind is source | stage | sink | notifier; outcome is received (handed to the component), sent
// (delivered or recorded by it), failed (it could not deliver; the source keeps the data for a
// re-read) or dropped (discarded on purpose, e.g. a full queue configured to drop). The metric
// names that predate them (specwatch_source_*, specwatch_otlp_*, specwatch_pipeline_*) stay as
// they are: they are a contract, and these families add to them rather than replace them.
//
// Registering is idempotent (the same name and help merge in the registry), so each component
// asks for its own series without a shared registrar.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace specwatch {

enum class ComponentKind : std::uint8_t { kSource, kStage, kSink, kNotifier };

std::string_view component_kind_name(ComponentKind kind);

// One component's series of specwatch_component_events_total. Increment per batch (by the number
// of events), not per event: each increment is an atomic update.
struct ComponentCounters {
  prometheus::Counter& received;
  prometheus::Counter& sent;
  prometheus::Counter& failed;
  prometheus::Counter& dropped;
};

ComponentCounters component_counters(prometheus::Registry& registry, const std::string& component,
                                     ComponentKind kind);

// The outcomes of specwatch_component_events_total that only a component delivering to a remote
// peer has: acknowledged (the peer confirmed it stored them), retried (sent again after a
// transient failure), dead_lettered (refused for good and written to its dead-letter file).
struct DeliveryCounters {
  prometheus::Counter& acknowledged;
  prometheus::Counter& retried;
  prometheus::Counter& dead_lettered;
};

DeliveryCounters delivery_counters(prometheus::Registry& registry, const std::string& component,
                                   ComponentKind kind);

// The state of a component that spools to disk and waits for a peer's acknowledgement:
//   specwatch_component_spool_bytes{component}                              gauge
//   specwatch_component_oldest_unacknowledged_age_seconds{component}        gauge
//   specwatch_component_spool_errors_total{component, reason}               counter
// reason: corrupt_segment (a segment's rest skipped), write_failed (an append not stored).
struct SpoolGauges {
  prometheus::Gauge& bytes;
  prometheus::Gauge& oldest_unacknowledged_age_seconds;
  prometheus::Counter& corrupt_segments;
  prometheus::Counter& write_failures;
};

SpoolGauges spool_gauges(prometheus::Registry& registry, const std::string& component);

// specwatch_component_queue_events{component}: events waiting in the component's own queue. Only
// components with a queue have it.
prometheus::Gauge& component_queue_gauge(prometheus::Registry& registry,
                                         const std::string& component);

}  // namespace specwatch
