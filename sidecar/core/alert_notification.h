// What the rule evaluator and the budgets hand to notifiers (exporters/<notifier>/): one alert
// instance's state at one evaluation, independent of how it was computed. Notifiers never see the
// rules engine's types, so a budget alert and a rule alert travel the same way.
//
// Contract:
// - The producer calls AlertReceiver::notify() after every evaluation with every alert that is
//   worth telling (never a pending one): firing alerts (every time, so a notifier can resend and
//   repeat) and alerts resolved within the last 15 minutes (so a resolve that was lost in
//   transit is sent again), the same set Prometheus hands to Alertmanager.
// - notify() never blocks on the network: a notifier queues (bounded; a full queue drops and
//   counts) and delivers on its own thread. The span is valid only during the call.
// - A notifier decides itself what to send: Alertmanager gets every alert every
//   resend_interval; PagerDuty a trigger once per instance and a resolve; Slack a message per
//   change and per repeat_interval. What it already sent survives a restart (sidecar/state).
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sidecar/core/component.h"

namespace specwatch {

using NotificationLabels = std::vector<std::pair<std::string, std::string>>;  // sorted by name

struct AlertNotification {
  enum class Status { kFiring, kResolved };

  // Identity of the instance: alertname plus the result's and the rule's labels.
  NotificationLabels labels;
  // summary, description, runbook_url, ... after template expansion.
  NotificationLabels annotations;
  Status status = Status::kFiring;
  double value = 0.0;  // the expression's value at the last evaluation
  // When the alert became active (Prometheus' activeAt, Alertmanager's startsAt).
  std::chrono::system_clock::time_point starts_at;
  // Resolved: when it resolved. Firing: a validity horizon (now + 4 × the resend interval,
  // as Prometheus sets it) or, for budget thresholds, the end of the budget period.
  std::chrono::system_clock::time_point ends_at;
  // A link to the sidecar's /api/v1/alerts (Alertmanager's generatorURL).
  std::string generator_url;
  // "rules" or "budgets": which producer made it, for self-metrics and logs.
  std::string origin;

  // The value of a label or annotation, empty when absent.
  const std::string& label(const std::string& name) const { return find(labels, name); }
  const std::string& annotation(const std::string& name) const { return find(annotations, name); }

 private:
  static const std::string& find(const NotificationLabels& list, const std::string& name) {
    static const std::string kEmpty;
    for (const auto& [key, value] : list) {
      if (key == name) return value;
    }
    return kEmpty;
  }
};

// Anything alerts can be handed to: a notifier, or the fan-out to all of them.
class AlertReceiver {
 public:
  virtual ~AlertReceiver() = default;
  virtual void notify(std::span<const AlertNotification> alerts) = 0;
};

// A notifier (exporters/alertmanager, pagerduty, slack, webhook): a component that receives
// alerts. Its routing (which alerts it takes, by label matchers) is part of its config.
class AlertNotifier : public Component, public AlertReceiver {};

}  // namespace specwatch
