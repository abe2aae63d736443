// What the status page (GET /), GET /api/v1/status and `specwatch status` show: the sources and
// exporters with their health, the budgets, and the alerts that fire.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sidecar/budgets/budget_status.h"
#include "sidecar/core/alert_notification.h"

namespace specwatch {

struct ComponentHealth {
  std::string kind;  // "source" or "exporter"
  std::string name;
  bool ready = false;
  std::string reason;  // why not ready; empty when ready
  // An exporter that cannot reach its peer: why (empty when it can). Not readiness: see
  // Sink::peer_error().
  std::string peer_error;
};

struct StatusSnapshot {
  std::int64_t now_s = 0;
  std::vector<ComponentHealth> components;
  std::vector<BudgetStatus> budgets;
  std::vector<AlertNotification> alerts;  // firing and recently resolved
};

// Where the snapshot's parts come from; each may be empty. `alerts` is the seam for every alert
// producer (the budgets' board today; the rule evaluator's /api/v1/alerts joins here).
struct StatusInputs {
  std::function<std::vector<ComponentHealth>()> components;
  std::function<std::vector<BudgetStatus>()> budgets;
  std::vector<std::function<std::vector<AlertNotification>()>> alerts;
};

StatusSnapshot take_status_snapshot(const StatusInputs& inputs);

}  // namespace specwatch
