// An alerting rule and its state machine, as Prometheus 2.42 runs it: a new result becomes a
// pending alert, firing once it has been active for `for`; an alert whose result disappears is
// resolved (kept for 15 minutes so it can be reported as resolved) unless keep_firing_for holds
// it firing; every active alert yields an ALERTS and an ALERTS_FOR_STATE sample.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sidecar/rules/rule_file.h"
#include "sidecar/rules/sample.h"
#include "sidecar/rules/series_source.h"

namespace specwatch::rules {

enum class AlertState { kInactive, kPending, kFiring };
const char* alert_state_name(AlertState state);

struct Alert {
  Labels labels;                   // result labels without __name__, rule labels, alertname
  std::vector<Label> annotations;  // sorted by name; empty values kept
  AlertState state = AlertState::kInactive;
  double value = 0.0;
  Timestamp active_at = 0;
  Timestamp fired_at = 0;
  Timestamp resolved_at = 0;        // 0 while not resolved
  Timestamp keep_firing_since = 0;  // 0 while the expression still returns the alert
};

struct AlertingContext {
  Labels external_labels;
  std::string external_url;
  int64_t lookback_ms = 5 * 60 * 1000;
};

class AlertingRule {
 public:
  AlertingRule(const RuleSpec& spec, const AlertingContext& context);
  // Evaluates the rule at `now`, updates the alerts and returns the ALERTS / ALERTS_FOR_STATE
  // samples. Throws EvalError (query errors, duplicate label sets after applying labels).
  Vector eval(const SeriesSource& source, Timestamp now, int64_t limit = 0);
  // Pending, firing, and recently resolved alerts.
  std::vector<const Alert*> alerts() const;
  const std::string& name() const { return spec_.alert; }
  const RuleSpec& spec() const { return spec_; }
  // Puts back alerts saved before a restart (state, active/fired/resolved times), replacing any
  // with the same labels: a pending alert keeps counting its `for` from its active_at, a firing
  // one stays firing with its activeAt, so no new notification starts.
  void restore(std::vector<Alert> alerts);

 private:
  // An alert with the label sets of its ALERTS and ALERTS_FOR_STATE series, built once (the
  // ALERTS one again when the state changes) instead of every evaluation.
  struct ActiveAlert {
    Alert alert;
    Labels alerts_series;     // empty until built
    AlertState series_state;  // the alertstate alerts_series carries
    Labels for_state_series;  // empty until built
  };

  const RuleSpec& spec_;
  const AlertingContext& context_;
  std::map<Labels, ActiveAlert> active_;
};

}  // namespace specwatch::rules
