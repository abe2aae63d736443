// The parts of RuleManager that turn the rules' state into what others read: the snapshot for
// the API and specwatch_alerts, and the notifications for the AlertReceiver.
#include <chrono>

#include "sidecar/rules/rule_manager.h"

namespace specwatch::rules {
namespace {

// How long a resolved alert is still handed to notifiers (alert_notification.h).
constexpr int64_t kResolvedResendMs = 15 * 60 * 1000;
// Prometheus' default resend delay; a firing alert is valid for 4 of them (its endsAt).
constexpr int64_t kResendDelayMs = 60 * 1000;

LabelPairs pairs_of(const std::vector<Label>& items) {
  LabelPairs out;
  out.reserve(items.size());
  for (const auto& l : items) out.emplace_back(l.name, l.value);
  return out;
}

LabelPairs pairs_of(const std::vector<NamedTemplate>& items) {
  LabelPairs out;
  for (const auto& t : items) out.emplace_back(t.name, t.text);
  std::sort(out.begin(), out.end());
  return out;
}

std::chrono::system_clock::time_point at_ms(int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace

std::string rule_state(const RuleView& rule) {
  std::string state = "inactive";
  for (const auto& a : rule.alerts) {
    if (a.state == "firing") return "firing";
    if (a.state == "pending") state = "pending";
  }
  return state;
}

void RuleManager::publish_locked(Timestamp now) {
  (void)now;
  auto snapshot = std::make_shared<RulesSnapshot>();
  for (const auto& g : groups_) {
    const RuleGroupSpec& spec = g.group->spec();
    GroupView group{spec.name,
                    spec.file,
                    spec.interval_ms > 0 ? spec.interval_ms : config_.evaluation_interval_ms,
                    spec.limit,
                    {},
                    g.evaluation_seconds,
                    g.last_evaluation};
    std::vector<const AlertingRule*> alerting = g.group->alerting_rules();
    for (size_t i = 0; i < spec.rules.size(); ++i) {
      const RuleSpec& r = spec.rules[i];
      RuleView rule;
      rule.alerting = !r.alert.empty();
      rule.name = r.name();
      rule.query = r.expr_text;
      rule.for_ms = r.for_ms;
      rule.keep_firing_for_ms = r.keep_firing_for_ms;
      rule.labels = pairs_of(r.labels);
      rule.annotations = pairs_of(r.annotations);
      rule.in_sidecar = g.scopes[i].in_sidecar;
      rule.scope_reason = g.scopes[i].reason;
      const RuleOutcome& last = g.last[i];
      if (rule.in_sidecar && g.last_evaluation != 0) {
        rule.health = last.error.empty() ? "ok" : "err";
        rule.last_error = last.error;
        rule.evaluation_seconds = static_cast<double>(last.duration_ns) / 1e9;
        rule.last_evaluation_ms = g.last_evaluation;
      }
      if (rule.alerting) {
        for (const AlertingRule* a : alerting) {
          if (&a->spec() != &r) continue;
          for (const Alert* alert : a->alerts()) {
            rule.alerts.push_back(
                AlertView{pairs_of(alert->labels.items()), pairs_of(alert->annotations),
                          alert_state_name(alert->state), alert->active_at,
                          alert->keep_firing_since, alert->resolved_at, alert->value});
          }
        }
      }
      group.rules.push_back(std::move(rule));
    }
    snapshot->groups.push_back(std::move(group));
  }
  std::lock_guard lock(snapshot_mutex_);
  snapshot_ = std::move(snapshot);
}

void RuleManager::notify_locked(Timestamp now) {
  std::vector<AlertNotification> out;
  const std::string generator_url = context_.external_url + "/api/v1/alerts";
  for (const auto& g : groups_) {
    for (const AlertingRule* rule : g.group->alerting_rules()) {
      for (const Alert* a : rule->alerts()) {
        const bool firing = a->state == AlertState::kFiring;
        const bool resolved = a->state == AlertState::kInactive && a->resolved_at != 0 &&
                              now - a->resolved_at <= kResolvedResendMs;
        if (!firing && !resolved) continue;
        AlertNotification n;
        // External labels are added as Prometheus adds them to what it sends, unless the alert
        // has a label of that name.
        Labels labels = a->labels;
        for (const auto& [name, value] : config_.external_labels) {
          if (!labels.has(name)) labels.set(name, value);
        }
        n.labels = pairs_of(labels.items());
        n.annotations = pairs_of(a->annotations);
        n.status =
            firing ? AlertNotification::Status::kFiring : AlertNotification::Status::kResolved;
        n.value = a->value;
        n.starts_at = at_ms(a->active_at);
        const int64_t resend = std::max(kResendDelayMs, config_.evaluation_interval_ms);
        n.ends_at = firing ? at_ms(now + 4 * resend) : at_ms(a->resolved_at);
        n.generator_url = generator_url;
        n.origin = "rules";
        out.push_back(std::move(n));
      }
    }
  }
  deps_.receiver.notify(out);
}

}  // namespace specwatch::rules
