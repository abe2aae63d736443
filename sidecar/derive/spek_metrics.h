// The metric set of SPEK's events: the names its documentation promises (docs/METRICS.md),
// fed only by events of profiles with its `tool:` (DerivedMetrics::record).
#pragma once

#include <optional>
#include <string_view>

#include "sidecar/core/event.h"
#include "sidecar/derive/derived_metrics.h"
#include "sidecar/derive/metric_family_factory.h"

namespace specwatch {

// Names from the SPEK docs.
struct DerivedMetrics::SpekFamilies {
  explicit SpekFamilies(FamilyFactory f);

  // The latest score of a compliance result (the caller checked it is the latest).
  void record_compliance(const ComplianceResult& result);

  LimitedGauge nasa_compliance;
};

}  // namespace specwatch
