// Which rules the sidecar can evaluate itself. A rule whose expression selects series that only a
// Prometheus server has (`up{job="spek"}`, written by its scrapes; metrics of other exporters; a
// `job` other than the sidecar's own) is Prometheus-only: reported, never evaluated, because
// over the sidecar's series it would simply be empty and look healthy.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "sidecar/rules/promql_ast.h"

namespace specwatch::rules {

// The sidecar's own namespace: no exporter but the sidecar writes specwatch_* (it refuses pushed
// OTLP metrics of that prefix), so such a name is the sidecar's even before its first series.
bool is_sidecar_namespace(std::string_view name);

struct VisibleSeries {
  // Metric names of the sidecar's own series (registry, pushed OTLP, recording-rule results).
  std::function<bool(std::string_view name)> has_name;
  std::string job;  // the `job` label of the sidecar's own series
};

struct RuleScope {
  bool in_sidecar = true;
  std::string reason;  // why (both ways), for `specwatch rules check` and /api/v1/rules
};

RuleScope classify_expr(const Expr& expr, const VisibleSeries& visible);

// Names Prometheus writes itself for every scrape target; never the sidecar's.
bool is_scrape_generated(std::string_view name);

}  // namespace specwatch::rules
