// What the status page (GET /), GET /api/v1/status and `specwatch status` show: the sources and
// exporters with their health and figures, the budgets, and the alerts of every producer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sidecar/budgets/budget_status.h"
#include "sidecar/core/alert_notification.h"

namespace specwatch {

// A count by name (an error reason, an outcome), in the order /metrics lists them.
using NamedCounts = std::vector<std::pair<std::string, std::int64_t>>;

struct ComponentHealth {
  ComponentHealth() = default;
  ComponentHealth(std::string kind_, std::string name_, bool ready_, std::string reason_,
                  std::string peer_error_ = "")
      : kind(std::move(kind_)),
        name(std::move(name_)),
        ready(ready_),
        reason(std::move(reason_)),
        peer_error(std::move(peer_error_)) {}

  std::string kind;  // "source" or "exporter"
  std::string name;
  bool ready = false;
  std::string reason;  // why not ready; empty when ready
  // An exporter that cannot reach its peer: why (empty when it can). Not readiness: see
  // Sink::peer_error().
  std::string peer_error;

  // What /metrics says of the component (component_figures.h); absent when it has no such series.
  std::vector<std::string> paths;           // file sources: the configured include patterns
  std::optional<std::int64_t> files;        // specwatch_source_files
  std::optional<std::int64_t> lag_bytes;    // specwatch_source_lag_bytes
  std::optional<std::int64_t> events;       // specwatch_source_events_total
  NamedCounts errors;                       // specwatch_source_errors_total by reason, non-zero
  NamedCounts outcomes;                     // specwatch_component_events_total by outcome
  std::optional<std::int64_t> queue;        // specwatch_component_queue_events
  std::optional<std::int64_t> spool_bytes;  // specwatch_component_spool_bytes

  std::int64_t outcome(const std::string& name) const;  // 0 when absent
  std::int64_t error_total() const;
};

// One alert as the status shows it, whoever produced it: the budgets (firing, recently resolved)
// or the rule evaluator (pending, firing, recently resolved).
struct StatusAlert {
  std::string state;  // "firing", "pending" or "resolved"
  NotificationLabels labels;
  NotificationLabels annotations;
  double value = 0.0;
  std::int64_t starts_at_s = 0;  // when it became active (unix seconds)
  std::int64_t ends_at_s = 0;    // resolved: when; firing: the validity horizon; pending: 0
  std::string origin;            // "rules" or "budgets"

  const std::string& label(const std::string& name) const;
  const std::string& annotation(const std::string& name) const;
};

// A budget alert (or any AlertNotification) as the status shows it.
StatusAlert status_alert(const AlertNotification& alert);

struct StatusSnapshot {
  std::int64_t now_s = 0;
  std::vector<ComponentHealth> components;
  std::vector<BudgetStatus> budgets;
  std::vector<StatusAlert> alerts;  // firing, then pending, then recently resolved
};

// Where the snapshot's parts come from; each may be empty. `alerts` holds one reader per alert
// producer (the budgets' board, the rule evaluator); the app converts each producer's own view.
struct StatusInputs {
  std::function<std::vector<ComponentHealth>()> components;
  std::function<std::vector<BudgetStatus>()> budgets;
  std::vector<std::function<std::vector<StatusAlert>()>> alerts;
};

StatusSnapshot take_status_snapshot(const StatusInputs& inputs);

}  // namespace specwatch
