#include "sidecar/app/daemon_status.h"

namespace specwatch {

std::vector<StatusAlert> rule_alerts_for_status(const rules::RulesSnapshot* snapshot) {
  std::vector<StatusAlert> alerts;
  if (snapshot == nullptr) return alerts;
  for (const rules::GroupView& group : snapshot->groups) {
    for (const rules::RuleView& rule : group.rules) {
      for (const rules::AlertView& view : rule.alerts) {
        StatusAlert alert;
        // "inactive" is how the evaluator keeps an alert that resolved a short while ago.
        alert.state = view.state == "inactive" ? "resolved" : view.state;
        alert.labels = view.labels;
        alert.annotations = view.annotations;
        alert.value = view.value;
        alert.starts_at_s = view.active_at_ms / 1000;
        alert.ends_at_s = view.resolved_at_ms / 1000;
        alert.origin = "rules";
        alerts.push_back(std::move(alert));
      }
    }
  }
  return alerts;
}

std::vector<StatusAlert> budget_alerts_for_status(const std::vector<AlertNotification>& alerts) {
  std::vector<StatusAlert> out;
  out.reserve(alerts.size());
  for (const AlertNotification& alert : alerts) out.push_back(status_alert(alert));
  return out;
}

}  // namespace specwatch
