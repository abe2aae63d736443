#include "sidecar/rules/alerting_rule.h"

#include <algorithm>
#include <set>

#include "sidecar/rules/promql_evaluator.h"

namespace specwatch::rules {
namespace {

// How long a resolved alert is kept, so that notifiers can report it as resolved.
constexpr int64_t kResolvedRetentionMs = 15 * 60 * 1000;

// Orders label sets held by pointer; also compares them with label sets held by value.
struct LabelsPointerLess {
  using is_transparent = void;
  bool operator()(const Labels* a, const Labels* b) const { return *a < *b; }
  bool operator()(const Labels* a, const Labels& b) const { return *a < b; }
  bool operator()(const Labels& a, const Labels* b) const { return a < *b; }
};

}  // namespace

const char* alert_state_name(AlertState state) {
  switch (state) {
    case AlertState::kInactive:
      return "inactive";
    case AlertState::kPending:
      return "pending";
    case AlertState::kFiring:
      return "firing";
  }
  return "unknown";
}

AlertingRule::AlertingRule(const RuleSpec& spec, const AlertingContext& context)
    : spec_(spec), context_(context) {}

Vector AlertingRule::eval(const SeriesSource& source, Timestamp now, int64_t limit) {
  QueryResult result = evaluate_instant(*spec_.expr, source, now, context_.lookback_ms);
  if (!result.ok()) throw EvalError(result.error);
  if (result.is_scalar) result.vector.push_back(VectorElement{Labels(), result.scalar, now});

  // The alerts' label sets, found by pointer: reserved so that pointers stay valid.
  std::vector<Labels> returned_labels;
  returned_labels.reserve(result.vector.size());
  std::set<const Labels*, LabelsPointerLess> returned;
  for (const auto& sample : result.vector) {
    TemplateData data{&sample.labels, &context_.external_labels, context_.external_url, sample.v};
    Labels& labels =
        returned_labels.emplace_back(sample.labels.without_metric_name(spec_.labels.size() + 1));
    for (const auto& l : spec_.labels)
      labels.set(l.name, l.compiled ? l.compiled->expand(data) : l.text);
    labels.set("alertname", spec_.alert);
    std::vector<Label> annotations;
    for (const auto& a : spec_.annotations) {
      annotations.push_back(Label{a.name, a.compiled ? a.compiled->expand(data) : a.text});
    }
    std::sort(annotations.begin(), annotations.end());
    if (!returned.insert(&labels).second) {
      throw EvalError("vector contains metrics with the same labelset after applying alert labels");
    }
    auto it = active_.find(labels);
    if (it != active_.end() && it->second.alert.state != AlertState::kInactive) {
      it->second.alert.value = sample.v;
      it->second.alert.annotations = std::move(annotations);
      continue;
    }
    Alert alert;
    alert.labels = labels;
    alert.annotations = std::move(annotations);
    alert.state = AlertState::kPending;
    alert.value = sample.v;
    alert.active_at = now;
    active_[labels] = ActiveAlert{std::move(alert), Labels(), AlertState::kInactive, Labels()};
  }

  Vector out;
  out.reserve(2 * active_.size());
  int64_t active_count = 0;
  for (auto it = active_.begin(); it != active_.end();) {
    ActiveAlert& entry = it->second;
    Alert& a = entry.alert;
    if (!returned.contains(it->first)) {
      bool keep_firing = false;
      if (a.state == AlertState::kFiring && spec_.keep_firing_for_ms > 0) {
        if (a.keep_firing_since == 0) a.keep_firing_since = now;
        keep_firing = now - a.keep_firing_since < spec_.keep_firing_for_ms;
      }
      if (a.state == AlertState::kPending ||
          (a.resolved_at != 0 && now - a.resolved_at > kResolvedRetentionMs)) {
        it = active_.erase(it);
        continue;
      }
      if (!keep_firing) {
        if (a.state != AlertState::kInactive) {
          a.state = AlertState::kInactive;
          a.resolved_at = now;
        }
        ++it;
        continue;
      }
    } else {
      a.keep_firing_since = 0;
    }
    ++active_count;
    if (a.state == AlertState::kPending && now - a.active_at >= spec_.for_ms) {
      a.state = AlertState::kFiring;
      a.fired_at = now;
    }
    if (entry.alerts_series.empty() || entry.series_state != a.state) {
      entry.alerts_series = a.labels.copy_with_room(2);
      entry.alerts_series.set(kMetricNameLabel, "ALERTS");
      entry.alerts_series.set("alertstate", alert_state_name(a.state));
      entry.series_state = a.state;
    }
    if (entry.for_state_series.empty()) {
      entry.for_state_series = a.labels.copy_with_room(1);
      entry.for_state_series.set(kMetricNameLabel, "ALERTS_FOR_STATE");
    }
    out.push_back(VectorElement{entry.alerts_series, 1.0, now});
    out.push_back(
        VectorElement{entry.for_state_series, static_cast<double>(a.active_at / 1000), now});
    ++it;
  }
  if (limit > 0 && active_count > limit) {
    active_.clear();
    throw EvalError("exceeded limit of " + std::to_string(limit) + " with " +
                    std::to_string(active_count) + " alerts");
  }
  return out;
}

void AlertingRule::restore(std::vector<Alert> alerts) {
  for (auto& alert : alerts) {
    if (alert.state == AlertState::kInactive && alert.resolved_at == 0) continue;
    Labels key = alert.labels;
    active_[std::move(key)] =
        ActiveAlert{std::move(alert), Labels(), AlertState::kInactive, Labels()};
  }
}

std::vector<const Alert*> AlertingRule::alerts() const {
  std::vector<const Alert*> out;
  for (const auto& [labels, entry] : active_) out.push_back(&entry.alert);
  return out;
}

}  // namespace specwatch::rules
