#include "sidecar/otlp_metrics/otlp_metrics_config.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

OtlpMetricsConfigResult parse(const std::string& text) {
  const YAML::Node root = YAML::Load(text);
  return parse_otlp_metrics_config(root["metrics"], "otlp.metrics", "specwatch.yaml",
                                   fixed_environment({{"EXPIRE", "120"}}));
}

std::vector<std::string> messages(const OtlpMetricsConfigResult& result) {
  std::vector<std::string> out;
  for (const auto& error : result.errors) out.push_back(error.to_string());
  return out;
}

TEST(OtlpMetricsConfigTest, Defaults) {
  const OtlpMetricsConfig config;
  EXPECT_EQ(config.expire_after, std::chrono::seconds(300));
  EXPECT_EQ(config.max_series_per_metric, 2000u);
  EXPECT_EQ(config.max_series_total, 50000u);
  EXPECT_EQ(config.on_name_clash, NameClashPolicy::kRename);
}

TEST(OtlpMetricsConfigTest, ReadsEveryKey) {
  const auto result = parse(
      "metrics:\n"
      "  expire_after_seconds: ${EXPIRE}\n"
      "  max_series_per_metric: 10\n"
      "  max_series_total: 100\n"
      "  on_name_clash: drop\n");
  EXPECT_EQ(messages(result), std::vector<std::string>{});
  EXPECT_EQ(result.config.expire_after, std::chrono::seconds(120));
  EXPECT_EQ(result.config.max_series_per_metric, 10u);
  EXPECT_EQ(result.config.max_series_total, 100u);
  EXPECT_EQ(result.config.on_name_clash, NameClashPolicy::kDrop);
}

TEST(OtlpMetricsConfigTest, ReportsEveryProblemWithPlaceAndKey) {
  const auto result = parse(
      "metrics:\n"
      "  expire_after_seconds: 0\n"
      "  max_series_per_metric: lots\n"
      "  max_series_total: 20000000\n"
      "  on_name_clash: merge\n"
      "  expire: 5\n");
  ASSERT_EQ(result.errors.size(), 5u);
  EXPECT_EQ(result.errors[0].to_string(),
            "specwatch.yaml:6:3: otlp.metrics.expire: unknown key; allowed keys: "
            "expire_after_seconds, max_series_per_metric, max_series_total, on_name_clash");
  EXPECT_EQ(result.errors[1].line, 2);
  EXPECT_EQ(result.errors[1].column, 25);
  EXPECT_EQ(result.errors[1].key, "otlp.metrics.expire_after_seconds");
  EXPECT_EQ(result.errors[2].key, "otlp.metrics.max_series_per_metric");
  EXPECT_EQ(result.errors[2].line, 3);
  EXPECT_EQ(result.errors[3].key, "otlp.metrics.max_series_total");
  EXPECT_EQ(result.errors[3].line, 4);
  EXPECT_EQ(result.errors[4].to_string(),
            "specwatch.yaml:5:18: otlp.metrics.on_name_clash: must be one of: rename, drop "
            "(got \"merge\")");
  // Bad keys keep their defaults.
  EXPECT_EQ(result.config, OtlpMetricsConfig{});
}

TEST(OtlpMetricsConfigTest, NotAMapping) {
  const auto result = parse("metrics: [1, 2]\n");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            "specwatch.yaml:1:10: otlp.metrics: expected a mapping, got a list");
}

}  // namespace
}  // namespace specwatch
