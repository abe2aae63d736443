// The figures of each source and exporter on the status page, read from the same collected metric
// families that GET /metrics renders, so that the page and a scrape never disagree:
//   sources:   specwatch_source_files, specwatch_source_lag_bytes, specwatch_source_events_total,
//              specwatch_source_errors_total{reason} (non-zero reasons only)
//   exporters: specwatch_component_events_total{kind="sink"} by outcome,
//              specwatch_component_queue_events, specwatch_component_spool_bytes
#pragma once

#include <prometheus/metric_family.h>

#include <vector>

#include "sidecar/status/status_model.h"

namespace specwatch {

void add_component_figures(std::vector<ComponentHealth>& components,
                           const std::vector<prometheus::MetricFamily>& families);

}  // namespace specwatch
