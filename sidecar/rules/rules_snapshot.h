// What the rule manager last evaluated, as plain values: read by the HTTP API (/api/v1/rules,
// /api/v1/alerts), `specwatch_alerts` and tests, from other threads than the evaluation's.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace specwatch::rules {

using LabelPairs = std::vector<std::pair<std::string, std::string>>;  // sorted by name

struct AlertView {
  LabelPairs labels;
  LabelPairs annotations;
  std::string state;  // "pending", "firing" ("inactive" for resolved ones, not listed by the API)
  int64_t active_at_ms = 0;
  int64_t keep_firing_since_ms = 0;  // 0 when not held by keep_firing_for
  int64_t resolved_at_ms = 0;
  double value = 0.0;
};

struct RuleView {
  bool alerting = false;
  std::string name;
  std::string query;
  int64_t for_ms = 0;
  int64_t keep_firing_for_ms = 0;
  LabelPairs labels;
  LabelPairs annotations;
  std::vector<AlertView> alerts;   // alerting rules: pending, firing and recently resolved
  std::string health = "unknown";  // "ok", "err", "unknown" (not evaluated yet or never)
  std::string last_error;
  double evaluation_seconds = 0.0;
  int64_t last_evaluation_ms = 0;  // 0: never
  bool in_sidecar = true;
  std::string scope_reason;  // why it is (not) evaluated in the sidecar
};

struct GroupView {
  std::string name;
  std::string file;
  int64_t interval_ms = 0;
  int64_t limit = 0;
  std::vector<RuleView> rules;
  double evaluation_seconds = 0.0;
  int64_t last_evaluation_ms = 0;
};

struct RulesSnapshot {
  std::vector<GroupView> groups;
};

// "firing" beats "pending" beats "inactive": the state Prometheus reports for an alerting rule.
std::string rule_state(const RuleView& rule);

}  // namespace specwatch::rules
