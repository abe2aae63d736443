// The `rules:` section: defaults, every key, and exact error texts.
#include "sidecar/rules/rules_section.h"

#include <gtest/gtest.h>

#include "sidecar/rules/promql_parser.h"
#include "sidecar/rules/rule_scope.h"

namespace specwatch {
namespace {

struct Read {
  RulesConfig config;
  std::vector<std::string> errors;
};

Read read(const std::string& yaml) {
  ErrorCollector errors("cfg.yaml");
  ConfigReader reader(errors, fixed_environment({}), "/etc/specwatch");
  Read out;
  YAML::Node root = YAML::Load(yaml);
  read_rules_section(root["rules"], "rules", out.config, reader);
  for (const auto& e : errors.errors()) out.errors.push_back(e.to_string());
  return out;
}

TEST(RulesSection, Defaults) {
  RulesConfig config;
  EXPECT_TRUE(config.enabled);
  EXPECT_EQ(config.files, (std::vector<std::string>{"/usr/share/specwatch/alerts/*.rules.yml",
                                                    "/usr/share/specwatch/rules/*.rules.yml"}));
  EXPECT_EQ(config.evaluation_interval_ms, 15000);
  EXPECT_EQ(config.job, "specwatch");
  EXPECT_EQ(config.max_samples, 2000000u);
  EXPECT_EQ(default_instance("10.1.2.3", "host", 9464), "10.1.2.3:9464");
  EXPECT_EQ(default_instance("", "host", 9464), "host:9464");
}

TEST(RulesSection, ReadsEveryKey) {
  Read r = read(
      "rules:\n  enabled: false\n  files: [rules/*.yml]\n  evaluation_interval: 30s\n"
      "  external_labels: {region: eu, cluster: c1}\n  external_url: http://x\n"
      "  job: sidecar\n  instance: pod-1\n  max_samples: 5000\n");
  EXPECT_EQ(r.errors, std::vector<std::string>{});
  EXPECT_FALSE(r.config.enabled);
  EXPECT_EQ(r.config.files, std::vector<std::string>{"/etc/specwatch/rules/*.yml"});
  EXPECT_EQ(r.config.evaluation_interval_ms, 30000);
  EXPECT_EQ(r.config.external_labels, (std::vector<std::pair<std::string, std::string>>{
                                          {"cluster", "c1"}, {"region", "eu"}}));
  EXPECT_EQ(r.config.external_url, "http://x");
  EXPECT_EQ(r.config.job, "sidecar");
  EXPECT_EQ(r.config.instance, "pod-1");
  EXPECT_EQ(r.config.max_samples, 5000u);
}

TEST(RulesSection, ReportsEachProblemWithItsPlace) {
  Read r = read(
      "rules:\n  evaluation_interval: 500ms\n  external_labels: {0bad: x}\n  max_samples: 10\n"
      "  job: ''\n  colour: red\n");
  EXPECT_EQ(r.errors,
            (std::vector<std::string>{
                "cfg.yaml:6:3: rules.colour: unknown key; allowed keys: enabled, files, "
                "evaluation_interval, external_labels, external_url, job, instance, max_samples",
                "cfg.yaml:2:24: rules.evaluation_interval: must be a duration of at least 1s "
                "such as 15s or 1m (got \"500ms\")",
                "cfg.yaml:3:21: rules.external_labels.0bad: invalid label name",
                "cfg.yaml:5:8: rules.job: must not be empty",
                "cfg.yaml:4:16: rules.max_samples: must be at least 1000, got 10"}));
}

rules::RuleScope scope(const std::string& expr) {
  rules::ParsedExpr parsed = rules::parse_promql(expr);
  EXPECT_TRUE(parsed.ok()) << parsed.error;
  rules::VisibleSeries visible{[](std::string_view name) { return name == "derived_total"; },
                               "specwatch"};
  return rules::classify_expr(*parsed.expr, visible);
}

TEST(RuleScope, PrometheusOnlyRulesSayWhy) {
  EXPECT_EQ(scope("up{job=\"spek\"} == 0").reason,
            "selects job=\"spek\"; the sidecar's own series carry job=\"specwatch\"");
  EXPECT_EQ(scope("up == 0").reason, "up is written by Prometheus' scrapes, not by the sidecar");
  EXPECT_EQ(scope("rate(other_total[5m]) > 0").reason,
            "the sidecar has no series named other_total");
  rules::RuleScope own = scope(
      "sum by (job) (rate(derived_total{job=~\"spec.*\"}[5m])) > "
      "on (job) group_left specwatch_anything");
  EXPECT_TRUE(own.in_sidecar);
  EXPECT_EQ(own.reason, "every series it selects is the sidecar's own");
  EXPECT_FALSE(scope("up{job=\"spek\"} == 0").in_sidecar);
  EXPECT_EQ(scope("vector(1)").reason, "selects no series");
}

}  // namespace
}  // namespace specwatch
