// What every derived metric set shares: FamilyFactory (a LimitedFamily over a registered family,
// counting its overflow, redacting new label values and exposing its series to /metrics), the
// label helpers and the bucket boundaries. Included by derived_metrics.cpp and the per-tool metric
// sets only.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/core/event.h"
#include "sidecar/derive/derived_exposition.h"
#include "sidecar/derive/limited_family.h"
#include "sidecar/redact/redaction_metrics.h"

namespace specwatch {
namespace metric_labels {

using prometheus::Counter;
using prometheus::Gauge;
using prometheus::Histogram;

inline constexpr std::string_view kUnknown = "unknown";
inline constexpr std::string_view kNone = "none";

inline std::string_view or_unknown(std::string_view value) {
  return value.empty() ? kUnknown : value;
}

// The label values are the event model's own names (event.h).
inline std::string_view outcome_label(Outcome outcome) {
  return outcome_name(outcome);
}
inline std::string_view severity_label(Severity level) {
  return SeverityName(level);
}

inline std::string_view bool_label(bool value) {
  return value ? "true" : "false";
}

// The OpenTelemetry GenAI bucket boundaries for gen_ai.client.operation.duration.
inline Histogram::BucketBoundaries llm_duration_buckets() {
  return {0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92};
}
// Agent workflows run from seconds to hours.
inline Histogram::BucketBoundaries workflow_duration_buckets() {
  return {1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200};
}
// Around Specular's budgets: 1.0 per task, 5.0 per workflow, 20.0 per day.
inline Histogram::BucketBoundaries workflow_cost_buckets() {
  return {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50};
}

inline prometheus::Family<Counter>& counter_family(prometheus::Registry& registry,
                                                   const std::string& name,
                                                   const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}
inline prometheus::Family<Gauge>& gauge_family(prometheus::Registry& registry,
                                               const std::string& name, const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}
inline prometheus::Family<Histogram>& histogram_family(prometheus::Registry& registry,
                                                       const std::string& name,
                                                       const std::string& help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry);
}

inline std::int64_t days_since_epoch(std::chrono::system_clock::time_point now) {
  return std::chrono::floor<std::chrono::days>(now).time_since_epoch().count();
}

}  // namespace metric_labels

// A LimitedFamily over a family registered under `name` in `registry`, counting its overflow,
// its series also written to /metrics by `exposition` (derived_exposition.h).
struct FamilyFactory {
  prometheus::Registry& registry;
  prometheus::Family<prometheus::Counter>& overflow;
  std::size_t limit;
  SiteRedactor& redaction;
  DerivedExposition& exposition;

  LimitedCounter counter(const std::string& name, const std::string& help,
                         std::vector<std::string> labels) {
    return LimitedCounter(metric_labels::counter_family(registry, name, help), name,
                          std::move(labels), limit, overflow, {}, &redaction,
                          &exposition.add_family<prometheus::Counter>(name, help));
  }
  LimitedGauge gauge(const std::string& name, const std::string& help,
                     std::vector<std::string> labels) {
    return LimitedGauge(metric_labels::gauge_family(registry, name, help), name, std::move(labels),
                        limit, overflow, {}, &redaction,
                        &exposition.add_family<prometheus::Gauge>(name, help));
  }
  LimitedHistogram histogram(const std::string& name, const std::string& help,
                             std::vector<std::string> labels,
                             prometheus::Histogram::BucketBoundaries buckets) {
    auto& exposed = exposition.add_family<prometheus::Histogram>(name, help, buckets);
    return LimitedHistogram(metric_labels::histogram_family(registry, name, help), name,
                            std::move(labels), limit, overflow, std::move(buckets), &redaction,
                            &exposed);
  }
};

}  // namespace specwatch
