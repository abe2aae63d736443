// A group of rules evaluated in order at one instant: each rule sees what the rules before it
// wrote. Results go to a SampleAppender; a series a rule produced last time and not this time
// gets a stale marker, as Prometheus writes one.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sidecar/rules/alerting_rule.h"
#include "sidecar/rules/rule_file.h"
#include "sidecar/rules/series_source.h"

namespace specwatch::rules {

struct RuleOutcome {
  std::string rule_name;
  std::string error;  // empty when the rule evaluated
  size_t samples = 0;
  bool skipped = false;     // not evaluated (set_evaluated(i, false))
  int64_t duration_ns = 0;  // how long the evaluation took
};

struct GroupEvaluation {
  std::vector<RuleOutcome> rules;
  Vector samples;  // everything written, stale markers excluded
};

class RuleGroup {
 public:
  RuleGroup(RuleGroupSpec spec, AlertingContext context);
  RuleGroup(const RuleGroup&) = delete;
  RuleGroup& operator=(const RuleGroup&) = delete;

  GroupEvaluation eval(Timestamp now, const SeriesSource& source, SampleAppender& appender);

  // A rule that is not evaluated keeps its state and writes nothing (the sidecar's
  // Prometheus-only rules). Every rule is evaluated by default.
  void set_evaluated(size_t rule_index, bool evaluated) {
    rules_[rule_index].evaluated = evaluated;
  }

  const RuleGroupSpec& spec() const { return spec_; }
  const std::string& name() const { return spec_.name; }
  // The alerting rules in file order (for alert state, notifiers and tests).
  std::vector<const AlertingRule*> alerting_rules() const;
  // The alerting rule with this name, or nullptr (for restoring saved alerts).
  AlertingRule* find_alerting_rule(const std::string& name);

 private:
  struct Rule {
    const RuleSpec* spec = nullptr;
    std::unique_ptr<AlertingRule> alerting;
    bool evaluated = true;
    std::vector<Labels> previous_series;  // what the last evaluation produced
  };
  // Remembers what `rule` produced and writes a stale marker for each series it no longer does.
  static void write_stale_markers(Rule& rule, const Vector& produced, Timestamp now,
                                  SampleAppender& appender);
  Vector eval_recording(const RuleSpec& spec, const SeriesSource& source, Timestamp now);

  RuleGroupSpec spec_;
  std::unique_ptr<AlertingContext> context_;
  std::vector<Rule> rules_;
  size_t last_sample_count_ = 0;  // what the last evaluation wrote: the next one's reservation
};

}  // namespace specwatch::rules
