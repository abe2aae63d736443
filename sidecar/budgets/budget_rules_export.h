// `specwatch rules export`: the budgets as Prometheus alerting rules over the fleet's summed
// series, so that one `budgets:` definition drives the check in each sidecar and a fleet-wide one.
// PromQL can express rolling windows over counters (increase over the window); calendar windows
// in a time zone, per-workflow budgets and per-request ceilings stay in the sidecar, and the
// output says so in a comment. Scopes are exported when they only use labels the summed series
// carry (service, provider, model).
#pragma once

#include <string>

#include "sidecar/budgets/budget_config.h"

namespace specwatch {

// A Prometheus rule file (`groups:`), headed by a comment naming `origin` and what is not exported.
std::string export_budget_rules(const BudgetsConfig& budgets, const std::string& origin);
// The same groups as a Kubernetes PrometheusRule object named `name`.
std::string export_budget_prometheus_rule(const BudgetsConfig& budgets, const std::string& origin,
                                          const std::string& name);

}  // namespace specwatch
