#include <gtest/gtest.h>

#include "sidecar/rules/in_memory_series_source.h"
#include "sidecar/rules/rule_group.h"

namespace specwatch::rules {
namespace {

constexpr int64_t kMin = 60000;

class AlertStateTest : public ::testing::Test {
 protected:
  void load(const std::string& rules) {
    RuleFileResult r = parse_rule_file(rules, "r.yml");
    ASSERT_TRUE(r.ok()) << r.errors[0];
    group_ = std::make_unique<RuleGroup>(std::move(r.groups[0]), AlertingContext{});
  }
  // Sets the input gauge `v` at `t`, evaluates the group and returns the alert state.
  std::string step(int64_t t, std::optional<double> v) {
    if (v) input_.append(Labels(std::vector<Label>{{"__name__", "v"}}), t, *v);
    GroupEvaluation e = group_->eval(t, input_, input_);
    EXPECT_EQ(e.rules[0].error, "");
    auto alerts = group_->alerting_rules()[0]->alerts();
    if (alerts.empty()) return "none";
    return alert_state_name(alerts[0]->state);
  }
  InMemorySeriesSource input_;
  std::unique_ptr<RuleGroup> group_;
};

TEST_F(AlertStateTest, PendingThenFiringAfterForThenResolved) {
  load("groups: [{name: g, rules: [{alert: A, expr: 'v > 1', for: 2m, labels: {s: x}}]}]");
  EXPECT_EQ(step(0, 5), "pending");
  EXPECT_EQ(step(1 * kMin, 5), "pending");
  EXPECT_EQ(step(2 * kMin, 5), "firing");
  auto alert = group_->alerting_rules()[0]->alerts()[0];
  EXPECT_EQ(alert->labels, Labels(std::vector<Label>{{"alertname", "A"}, {"s", "x"}}));
  EXPECT_EQ(alert->active_at, 0);
  EXPECT_EQ(step(3 * kMin, 0), "inactive");  // resolved, kept for notifiers
  EXPECT_EQ(alert->resolved_at, 3 * kMin);
  EXPECT_EQ(step(19 * kMin, 0), "none");  // dropped after 15 minutes
}

TEST_F(AlertStateTest, PendingAlertThatDisappearsIsDropped) {
  load("groups: [{name: g, rules: [{alert: A, expr: 'v > 1', for: 5m}]}]");
  EXPECT_EQ(step(0, 5), "pending");
  EXPECT_EQ(step(kMin, 0), "none");
}

TEST_F(AlertStateTest, KeepFiringForHoldsAFiringAlert) {
  load("groups: [{name: g, rules: [{alert: A, expr: 'v > 1', keep_firing_for: 2m}]}]");
  EXPECT_EQ(step(0, 5), "firing");
  EXPECT_EQ(step(kMin, 0), "firing");
  EXPECT_EQ(step(2 * kMin, 0), "firing");
  EXPECT_EQ(step(3 * kMin, 0), "inactive");
}

TEST_F(AlertStateTest, WritesAlertsSeriesAndStaleMarkersForVanishedRecords) {
  load(
      "groups: [{name: g, rules: [{record: 'r:v', expr: 'v'}, {alert: A, expr: 'r:v > 1', for: "
      "1m}]}]");
  step(0, 5);
  GroupEvaluation e = group_->eval(kMin, input_, input_);
  std::map<Labels, double> got;
  for (const auto& s : e.samples) got[s.labels] = s.v;
  EXPECT_EQ(got.size(), 3u);
  EXPECT_EQ(got[Labels(std::vector<Label>{{"__name__", "r:v"}})], 5);
  EXPECT_EQ(got[Labels(std::vector<Label>{
                {"__name__", "ALERTS"}, {"alertname", "A"}, {"alertstate", "firing"}})],
            1);
  EXPECT_EQ(got[Labels(std::vector<Label>{{"__name__", "ALERTS_FOR_STATE"}, {"alertname", "A"}})],
            0);
  // The input ends: the recorded series gets a stale marker and so disappears at once.
  input_.append(Labels(std::vector<Label>{{"__name__", "v"}}), 2 * kMin, stale_nan());
  group_->eval(2 * kMin, input_, input_);
  bool found = false;
  input_.select(
      {LabelMatcher(MatchType::kEqual, "__name__", "r:v")}, 2 * kMin, 2 * kMin,
      [&](const Labels&, std::span<const Sample> s) { found = is_stale_nan(s.back().v); });
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace specwatch::rules
