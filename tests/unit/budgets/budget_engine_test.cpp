#include "sidecar/budgets/budget_engine.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/budgets/budget_test_calls.h"

namespace specwatch {
namespace {

using testing::Calls;
using testing::CallSpec;
using testing::usd_budget;

constexpr std::int64_t kDay = 1796342400;  // 2026-12-04T00:00:00Z
constexpr std::int64_t kHour = 3600;

BudgetEngine engine_with(std::vector<BudgetConfig> budgets, std::int64_t max_workflows = 10000) {
  BudgetsConfig config;
  config.budgets = std::move(budgets);
  config.max_open_workflows = max_workflows;
  return BudgetEngine(config, PricingTable());
}

std::vector<AlertNotification> evaluate(BudgetEngine& engine, std::int64_t now) {
  std::vector<AlertNotification> alerts;
  engine.evaluate(now, alerts);
  return alerts;
}

std::vector<std::string> firing(const std::vector<AlertNotification>& alerts) {
  std::vector<std::string> names;
  for (const auto& alert : alerts) {
    if (alert.status == AlertNotification::Status::kFiring) {
      names.push_back(alert.label("alertname") + ":" + alert.label("threshold") + ":" +
                      alert.label("severity"));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(BudgetEngine, ThresholdsFireOncePerPeriodAndAgainInTheNext) {
  BudgetEngine engine = engine_with({usd_budget("daily", BudgetWindowKind::kDay, 10.0)});
  engine.record(Calls().add({.cost_usd = 5.0, .t_s = kDay + kHour}).view(), kDay + kHour);
  auto first = evaluate(engine, kDay + kHour);
  ASSERT_EQ(firing(first), std::vector<std::string>{"BudgetThreshold:50:warning"});
  EXPECT_EQ(first[0].label("budget"), "daily");
  EXPECT_EQ(first[0].origin, "budgets");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(first[0].ends_at), kDay + 24 * kHour);
  EXPECT_EQ(first[0].annotation("summary"), "daily: $5.00 of $10.00 (50 %) spent today, UTC");
  // Still firing (resent), not again: same instance, same start.
  auto again = evaluate(engine, kDay + 2 * kHour);
  ASSERT_EQ(firing(again).size(), 1u);
  EXPECT_EQ(again[0].starts_at, first[0].starts_at);

  engine.record(Calls().add({.cost_usd = 5.0, .t_s = kDay + 3 * kHour}).view(), kDay + 3 * kHour);
  EXPECT_EQ(firing(evaluate(engine, kDay + 3 * kHour)),
            (std::vector<std::string>{"BudgetThreshold:100:critical", "BudgetThreshold:50:warning",
                                      "BudgetThreshold:75:warning", "BudgetThreshold:90:warning"}));

  // The next day: everything resolves, the spend starts from 0, and 50 % fires again.
  auto next_day = evaluate(engine, kDay + 24 * kHour + 60);
  EXPECT_TRUE(firing(next_day).empty());
  EXPECT_EQ(next_day.size(), 4u);  // the four, resolved
  EXPECT_EQ(engine.status(kDay + 24 * kHour + 60)[0].spent, 0.0);
  engine.record(Calls().add({.cost_usd = 6.0, .t_s = kDay + 25 * kHour}).view(), kDay + 25 * kHour);
  auto fired_again = evaluate(engine, kDay + 25 * kHour);
  EXPECT_EQ(firing(fired_again), std::vector<std::string>{"BudgetThreshold:50:warning"});
}

TEST(BudgetEngine, ForecastWaitsForTheMinimumShareThenUsesTheHigherRate) {
  BudgetConfig budget = usd_budget("daily", BudgetWindowKind::kDay, 24.0);
  budget.thresholds = {{200, "critical"}};
  BudgetEngine engine = engine_with({budget});
  // A steady $1 per hour from 00:30.
  for (int hour = 0; hour < 6; ++hour) {
    const std::int64_t t = kDay + hour * kHour + 1800;
    engine.record(Calls().add({.cost_usd = 1.0, .t_s = t}).view(), t);
    if (hour == 1) {
      // 01:30 is 6 % of the day, under the 10 % minimum: no forecast, no alert.
      EXPECT_FALSE(engine.status(t)[0].forecast.has_value());
    }
  }
  // 06:00: $6 spent at $1/h over the period and over the last hour: $6 + 18 h × $1 = $24.
  auto status = engine.status(kDay + 6 * kHour);
  ASSERT_TRUE(status[0].forecast.has_value());
  EXPECT_DOUBLE_EQ(*status[0].forecast, 24.0);
  EXPECT_TRUE(firing(evaluate(engine, kDay + 6 * kHour)).empty());  // not over the limit

  // A burst: $3 at 05:45. The last hour ($4) now burns faster than the day ($9 in 6 h):
  // $9 + 18 h × $4/h = $81.
  engine.record(Calls().add({.cost_usd = 3.0, .t_s = kDay + 5 * kHour + 2700}).view(),
                kDay + 6 * kHour);
  status = engine.status(kDay + 6 * kHour);
  EXPECT_DOUBLE_EQ(*status[0].forecast, 81.0);
  EXPECT_DOUBLE_EQ(*status[0].forecast_ratio(), 81.0 / 24.0);
  auto alerts = evaluate(engine, kDay + 6 * kHour);
  ASSERT_EQ(firing(alerts), std::vector<std::string>{"BudgetForecast:forecast:critical"});
  EXPECT_EQ(alerts[0].annotation("summary"),
            "daily: $9.00 of $24.00 (38 %) spent today, UTC; at this rate $81.00 by 2026-12-05 "
            "00:00 UTC; runs out at 2026-12-04 09:45 UTC");
}

TEST(BudgetEngine, PerWorkflowCapsWithMoreWorkflowsThanTheBound) {
  BudgetConfig budget = usd_budget("per-workflow", BudgetWindowKind::kWorkflow, 1.0);
  budget.thresholds = {{100, "critical"}};
  BudgetEngine engine = engine_with({budget}, 3);
  const std::int64_t t = kDay + kHour;
  Calls calls;
  for (const char* id : {"w1", "w2", "w3", "w4", "w5"}) {
    calls.add({.cost_usd = 0.6, .t_s = t, .workflow_id = id});
  }
  engine.record(calls.view(), t);
  auto status = engine.status(t);
  EXPECT_EQ(status[0].open_workflows, 3);  // w3, w4, w5; w1 and w2 were closed
  EXPECT_EQ(status[0].over_limit_total, 0);
  // w1 comes back as a new workflow ($0.60, under the cap); w5 goes over ($1.20).
  engine.record(Calls()
                    .add({.cost_usd = 0.6, .t_s = t, .workflow_id = "w1"})
                    .add({.cost_usd = 0.6, .t_s = t, .workflow_id = "w5"})
                    .view(),
                t);
  status = engine.status(t);
  EXPECT_EQ(status[0].open_workflows, 3);
  EXPECT_EQ(status[0].over_limit_total, 1);
  EXPECT_DOUBLE_EQ(status[0].spent, 1.2);
  auto alerts = evaluate(engine, t);
  ASSERT_EQ(firing(alerts), std::vector<std::string>{"BudgetWorkflowThreshold:100:critical"});
  EXPECT_EQ(alerts[0].label("workflow_id"), "w5");
  // Idle workflows are closed after the idle time (one hour by default).
  evaluate(engine, t + 2 * kHour);
  EXPECT_EQ(engine.status(t + 2 * kHour)[0].open_workflows, 0);
}

TEST(BudgetEngine, AWorkflowOpenLongerThanTheMaximumIsClosedEvenWhileActive) {
  BudgetConfig budget = usd_budget("per-workflow", BudgetWindowKind::kWorkflow, 1.0);
  BudgetEngine engine = engine_with({budget});
  const std::int64_t t = kDay + kHour;
  // "loop" calls every 30 minutes (never idle for the hour of the idle timeout) for 25 hours;
  // "short" has one call.
  engine.record(Calls().add({.cost_usd = 0.25, .t_s = t, .workflow_id = "short"}).view(), t);
  std::int64_t now = t;
  for (int i = 0; i < 50; ++i) {
    now = t + i * 1800;
    engine.record(Calls().add({.cost_usd = 0.01, .t_s = now, .workflow_id = "loop"}).view(), now);
    evaluate(engine, now);
  }
  // "short" was closed an hour after its call (idle). "loop" reached 24 h open at t + 24 h and
  // was closed there (with that call, $0.49 in all); its call at t + 24.5 h opened it anew.
  const auto status = engine.status(now);
  EXPECT_EQ(status[0].open_workflows, 1);
  EXPECT_DOUBLE_EQ(status[0].spent, 0.01);
}

TEST(BudgetEngine, RestartInTheMiddleOfTheDaySkipsWhatTheStateHolds) {
  const BudgetConfig budget = usd_budget("daily", BudgetWindowKind::kDay, 100.0);
  BudgetEngine before = engine_with({budget});
  const std::int64_t t = kDay + 10 * kHour;
  Calls first;
  for (int i = 1; i <= 5; ++i) {
    first.add({.cost_usd = 0.01 * i, .t_s = t, .stream = 77, .end_offset = 100u * i});
  }
  before.record(first.view(), t);
  const std::string state = before.save();

  BudgetEngine after = engine_with({budget});
  ASSERT_EQ(after.restore(state, t + 60), "");
  EXPECT_DOUBLE_EQ(after.status(t + 60)[0].spent, 0.15);
  // The re-read window (offsets 300..500) and two new records: only the new ones count.
  Calls reread;
  for (int i = 3; i <= 7; ++i) {
    reread.add({.cost_usd = 0.01 * i, .t_s = t, .stream = 77, .end_offset = 100u * i});
  }
  after.record(reread.view(), t + 60);
  EXPECT_EQ(after.status(t + 60)[0].spent, 0.28);  // 0.01+...+0.07, in nano-USD: exact
  // Another file (another stream) at the same offsets is not skipped.
  after.record(Calls().add({.cost_usd = 1.0, .t_s = t, .stream = 78, .end_offset = 100}).view(),
               t + 60);
  EXPECT_EQ(after.status(t + 60)[0].spent, 1.28);
}

TEST(BudgetEngine, StateOfAnEndedPeriodIsNotRestored) {
  const BudgetConfig budget = usd_budget("daily", BudgetWindowKind::kDay, 100.0);
  BudgetEngine before = engine_with({budget});
  before.record(Calls().add({.cost_usd = 3.0, .t_s = kDay + kHour}).view(), kDay + kHour);
  BudgetEngine after = engine_with({budget});
  ASSERT_EQ(after.restore(before.save(), kDay + 25 * kHour), "");
  EXPECT_EQ(after.status(kDay + 25 * kHour)[0].spent, 0.0);
  EXPECT_EQ(after.status(kDay + 25 * kHour)[0].period_start_s, kDay + 24 * kHour);
}

TEST(BudgetEngine, UnpricedCallsAreCountedApartNeverAsZero) {
  BudgetEngine engine = engine_with({usd_budget("daily", BudgetWindowKind::kDay, 10.0)});
  engine.record(Calls()
                    .add({.t_s = kDay + kHour, .input_tokens = 100, .model = "no-such-model"})
                    .add({.cost_usd = 0.5, .t_s = kDay + kHour})
                    .view(),
                kDay + kHour);
  const auto status = engine.status(kDay + kHour);
  EXPECT_EQ(status[0].unpriced_calls, 1);
  EXPECT_EQ(status[0].spent, 0.5);
}

TEST(BudgetEngine, ScopeMatchesLabels) {
  BudgetConfig specular = usd_budget("specular", BudgetWindowKind::kDay, 10.0);
  specular.match = {{"service", {"specular"}}, {"provider", {"openai", "anthropic"}}};
  BudgetEngine engine = engine_with({specular});
  engine.record(Calls("specular")
                    .add({.cost_usd = 1.0, .t_s = kDay + 1})
                    .add({.cost_usd = 2.0, .t_s = kDay + 1, .provider = "anthropic"})
                    .add({.cost_usd = 4.0, .t_s = kDay + 1, .provider = "groq"})
                    .view(),
                kDay + 1);
  engine.record(Calls("spec-agents").add({.cost_usd = 8.0, .t_s = kDay + 1}).view(), kDay + 1);
  EXPECT_EQ(engine.status(kDay + 1)[0].spent, 3.0);
}

TEST(BudgetEngine, RequestCeilingCountsCallsOverIt) {
  BudgetConfig ceiling = usd_budget("tokens-per-call", BudgetWindowKind::kRequest, 1000);
  ceiling.unit = BudgetUnit::kTokens;
  ceiling.thresholds = {{100, "warning"}};
  BudgetEngine engine = engine_with({ceiling});
  engine.record(Calls()
                    .add({.t_s = kDay + 1, .input_tokens = 300, .output_tokens = 200})
                    .add({.t_s = kDay + 2, .input_tokens = 1200, .output_tokens = 300})
                    .add({.t_s = kDay + 3, .input_tokens = 900, .output_tokens = 200})
                    .view(),
                kDay + 10);
  const auto status = engine.status(kDay + 10);
  EXPECT_EQ(status[0].over_limit_total, 2);
  EXPECT_EQ(status[0].spent, 1500.0);
  auto alerts = evaluate(engine, kDay + 10);
  // The ceiling alert says it; the thresholds show in the status only.
  EXPECT_EQ(firing(alerts), std::vector<std::string>{"BudgetRequestCeiling:100:warning"});
  EXPECT_TRUE(engine.status(kDay + 10)[0].thresholds[0].fired);
}

TEST(BudgetEngine, RollingWindowForgetsOldSpendAndResolves) {
  BudgetConfig hourly = usd_budget("hourly", BudgetWindowKind::kRolling, 10.0);
  hourly.rolling_seconds = kHour;
  hourly.thresholds = {{50, "warning"}};
  BudgetEngine engine = engine_with({hourly});
  const std::int64_t now = kDay + 5 * kHour;
  engine.record(Calls()
                    .add({.cost_usd = 7.0, .t_s = now - 2 * kHour})  // outside the window
                    .add({.cost_usd = 6.0, .t_s = now - 1800})
                    .view(),
                now);
  EXPECT_EQ(engine.status(now)[0].spent, 6.0);
  EXPECT_EQ(firing(evaluate(engine, now)), std::vector<std::string>{"BudgetThreshold:50:warning"});
  auto later = evaluate(engine, now + kHour);
  EXPECT_TRUE(firing(later).empty());
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].status, AlertNotification::Status::kResolved);
}

TEST(BudgetEngine, CallsDatedBeforeThePeriodAreNotCounted) {
  BudgetEngine engine = engine_with({usd_budget("daily", BudgetWindowKind::kDay, 10.0)});
  engine.record(Calls().add({.cost_usd = 1.0, .t_s = kDay + kHour}).view(), kDay + kHour);
  engine.record(Calls().add({.cost_usd = 2.0, .t_s = kDay - kHour}).view(), kDay + kHour);
  EXPECT_EQ(engine.status(kDay + kHour)[0].spent, 1.0);
}

}  // namespace
}  // namespace specwatch
