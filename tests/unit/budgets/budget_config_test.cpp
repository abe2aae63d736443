#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "sidecar/app/app_config.h"
#include "sidecar/budgets/budget_section.h"

namespace specwatch {
namespace {

class BudgetConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/budget-config-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  ConfigLoadResult parse(const std::string& budgets_yaml) {
    ConfigSections sections = builtin_config_sections();
    sections.add("budgets",
                 [](const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in) {
                   read_budgets_section(node, key, out.budgets, in);
                 });
    const std::string text = "state_dir: " + dir_ + "/state\n" + budgets_yaml;
    return parse_config(text, "specwatch.yaml", dir_, fixed_environment({}), sections);
  }

  std::vector<std::string> errors(const std::string& yaml) {
    std::vector<std::string> texts;
    for (const ConfigError& error : parse(yaml).errors) texts.push_back(error.to_string());
    return texts;
  }

  std::string dir_;
};

TEST_F(BudgetConfigTest, ReadsEveryKey) {
  ConfigLoadResult result = parse(R"(budgets:
  max_open_workflows: 50
  workflow_idle_timeout_ms: 60000
  evaluation_interval_ms: 500
  list:
    - name: specular-daily
      description: Specular, per day
      match: {service: specular, provider: [openai, anthropic]}
      window: day
      time_zone: Europe/Berlin
      limit: 20.0
      thresholds: [{percent: 50}, {percent: 75, severity: info}]
      forecast: false
      forecast_min_period_share: 0.25
    - name: tokens-per-call
      window: request
      unit: tokens
      limit: 32000
    - name: hourly
      window: 24h
      limit: 5
)");
  ASSERT_TRUE(result.config) << (result.errors.empty() ? "" : result.errors[0].to_string());
  const BudgetsConfig& budgets = result.config->budgets;
  EXPECT_EQ(budgets.max_open_workflows, 50);
  EXPECT_EQ(budgets.workflow_idle_timeout_ms, 60000);
  EXPECT_EQ(budgets.evaluation_interval_ms, 500);
  ASSERT_EQ(budgets.budgets.size(), 3u);
  const BudgetConfig& daily = budgets.budgets[0];
  EXPECT_EQ(daily.name, "specular-daily");
  EXPECT_EQ(daily.time_zone, "Europe/Berlin");
  EXPECT_EQ(daily.limit, 20.0);
  ASSERT_EQ(daily.match.size(), 2u);
  EXPECT_EQ(daily.match[1].label, "provider");
  EXPECT_EQ(daily.match[1].values, (std::vector<std::string>{"openai", "anthropic"}));
  ASSERT_EQ(daily.thresholds.size(), 2u);
  EXPECT_EQ(daily.thresholds[0].severity, "warning");
  EXPECT_EQ(daily.thresholds[1].severity, "info");
  EXPECT_FALSE(daily.forecast);
  EXPECT_EQ(daily.forecast_min_period_share, 0.25);
  EXPECT_EQ(budgets.budgets[1].window, BudgetWindowKind::kRequest);
  EXPECT_EQ(budgets.budgets[1].unit, BudgetUnit::kTokens);
  ASSERT_EQ(budgets.budgets[1].thresholds.size(), 4u);  // the defaults
  EXPECT_EQ(budgets.budgets[1].thresholds[3].severity, "critical");
  EXPECT_EQ(budgets.budgets[2].window, BudgetWindowKind::kRolling);
  EXPECT_EQ(budgets.budgets[2].rolling_seconds, 86400);
  EXPECT_EQ(budget_window_name(budgets.budgets[2]), "24h");
}

TEST_F(BudgetConfigTest, BadEntriesAreNamedWithFileLineAndColumn) {
  // Line 1 is the state_dir the fixture writes; the budgets start on line 2.
  EXPECT_EQ(
      errors(R"(budgets:
  list:
    - name: ok
      window: day
      limit: 1
    - name: Bad Name
      window: fortnight
      time_zone: Mars/Olympus
      limit: -3
      colour: red
)"),
      (std::vector<std::string>{
          "specwatch.yaml:7:13: budgets.list[1].name: must match [a-z0-9][a-z0-9_.-]* (got "
          "\"Bad Name\")",
          "specwatch.yaml:8:15: budgets.list[1].window: must be one of: day, week, month, "
          "1h, 24h, 7d, 30d, workflow, request (got \"fortnight\")",
          "specwatch.yaml:9:18: budgets.list[1].time_zone: unknown time zone \"Mars/Olympus\" "
          "(an IANA name such as Europe/Berlin)",
          "specwatch.yaml:10:14: budgets.list[1].limit: must be between 0 and 1e+15",
          "specwatch.yaml:11:7: budgets.list[1].colour: unknown key; allowed keys: name, "
          "description, match, window, time_zone, limit, unit, thresholds, forecast, "
          "forecast_min_period_share"}));
}

TEST_F(BudgetConfigTest, MissingLimitAndDuplicateNames) {
  EXPECT_EQ(errors(R"(budgets:
  list:
    - name: a
      window: day
    - name: a
      window: 7d
      limit: 2
)"),
            (std::vector<std::string>{
                "specwatch.yaml:4:7: budgets.list[0].limit: required key is missing",
                "specwatch.yaml:6:13: budgets.list[1].name: duplicate budget name \"a\""}));
}

}  // namespace
}  // namespace specwatch
