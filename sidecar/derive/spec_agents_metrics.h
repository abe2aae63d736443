// The metric set of Spec Agents's events: the names its documentation promises (docs/METRICS.md),
// fed only by events of profiles with its `tool:` (DerivedMetrics::record).
#pragma once

#include <optional>
#include <string_view>

#include "sidecar/core/event.h"
#include "sidecar/derive/derived_metrics.h"
#include "sidecar/derive/metric_family_factory.h"

namespace specwatch {

// Names from the Spec Agents docs (no user_id label: it would be unbounded).
struct DerivedMetrics::SpecAgentsFamilies {
  explicit SpecAgentsFamilies(FamilyFactory f);

  // Series that read 0 before the first event.
  void create_initial_series();
  void record_api_request(const ApiRequest& request);
  void add_daily_cost(double cost);
  void reset_daily_cost();

  LimitedCounter queries;
  LimitedHistogram query_latency;
  LimitedGauge daily_cost;
};

}  // namespace specwatch
