#include "sidecar/rules/rule_group.h"

#include <algorithm>
#include <chrono>

#include "sidecar/rules/promql_evaluator.h"

namespace specwatch::rules {

RuleGroup::RuleGroup(RuleGroupSpec spec, AlertingContext context)
    : spec_(std::move(spec)), context_(std::make_unique<AlertingContext>(std::move(context))) {
  for (const auto& r : spec_.rules) {
    Rule rule;
    rule.spec = &r;
    if (!r.alert.empty()) rule.alerting = std::make_unique<AlertingRule>(r, *context_);
    rules_.push_back(std::move(rule));
  }
}

Vector RuleGroup::eval_recording(const RuleSpec& spec, const SeriesSource& source, Timestamp now) {
  QueryResult result = evaluate_instant(*spec.expr, source, now, context_->lookback_ms);
  if (!result.ok()) throw EvalError(result.error);
  if (result.is_scalar) result.vector.push_back(VectorElement{Labels(), result.scalar, now});
  for (auto& sample : result.vector) {
    sample.labels.set(kMetricNameLabel, spec.record);
    for (const auto& l : spec.labels) sample.labels.set(l.name, l.text);
    sample.t = now;
  }
  if (has_duplicate_labelsets(result.vector)) {
    throw EvalError("vector contains metrics with the same labelset after applying rule labels");
  }
  if (spec_.limit > 0 && static_cast<int64_t>(result.vector.size()) > spec_.limit) {
    throw EvalError("exceeded limit of " + std::to_string(spec_.limit) + " with " +
                    std::to_string(result.vector.size()) + " series");
  }
  return std::move(result.vector);
}

void RuleGroup::write_stale_markers(Rule& rule, const Vector& produced, Timestamp now,
                                    SampleAppender& appender) {
  std::vector<Labels> current;
  current.reserve(produced.size());
  for (const auto& sample : produced) current.push_back(sample.labels);
  // The produced label sets are unique (checked when evaluating), so a sorted vector serves as
  // the set; stale markers go out in label order.
  std::vector<const Labels*> sorted;
  sorted.reserve(current.size());
  for (const auto& labels : current) sorted.push_back(&labels);
  auto less = [](const Labels* a, const Labels* b) { return *a < *b; };
  std::sort(sorted.begin(), sorted.end(), less);
  std::sort(rule.previous_series.begin(), rule.previous_series.end());
  for (const auto& previous : rule.previous_series) {
    if (!std::binary_search(sorted.begin(), sorted.end(), &previous, less)) {
      appender.append(previous, now, stale_nan());
    }
  }
  rule.previous_series = std::move(current);
}

GroupEvaluation RuleGroup::eval(Timestamp now, const SeriesSource& source,
                                SampleAppender& appender) {
  GroupEvaluation out;
  out.rules.reserve(rules_.size());
  out.samples.reserve(last_sample_count_);
  for (auto& rule : rules_) {
    RuleOutcome outcome{rule.spec->name(), {}, 0};
    if (!rule.evaluated) {
      outcome.skipped = true;
      out.rules.push_back(std::move(outcome));
      continue;
    }
    const auto started = std::chrono::steady_clock::now();
    auto elapsed = [&started] {
      return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                                  started)
          .count();
    };
    Vector produced;
    try {
      produced = rule.alerting ? rule.alerting->eval(source, now, spec_.limit)
                               : eval_recording(*rule.spec, source, now);
    } catch (const EvalError& e) {
      outcome.error = e.what();
      outcome.duration_ns = elapsed();
      out.rules.push_back(std::move(outcome));
      continue;
    }
    for (const auto& sample : produced) appender.append(sample.labels, now, sample.v);
    // In the steady state a rule produces the series it produced last time, in the same order:
    // nothing went stale and the remembered label sets stay as they are.
    bool same = std::equal(produced.begin(), produced.end(), rule.previous_series.begin(),
                           rule.previous_series.end(),
                           [](const VectorElement& sample, const Labels& previous) {
                             return sample.labels == previous;
                           });
    if (!same) write_stale_markers(rule, produced, now, appender);
    outcome.samples = produced.size();
    outcome.duration_ns = elapsed();
    out.rules.push_back(std::move(outcome));
    for (auto& sample : produced) out.samples.push_back(std::move(sample));
  }
  last_sample_count_ = out.samples.size();
  return out;
}

AlertingRule* RuleGroup::find_alerting_rule(const std::string& name) {
  for (auto& rule : rules_) {
    if (rule.alerting && rule.alerting->name() == name) return rule.alerting.get();
  }
  return nullptr;
}

std::vector<const AlertingRule*> RuleGroup::alerting_rules() const {
  std::vector<const AlertingRule*> out;
  for (const auto& rule : rules_) {
    if (rule.alerting) out.push_back(rule.alerting.get());
  }
  return out;
}

}  // namespace specwatch::rules
