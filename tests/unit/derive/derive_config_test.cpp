#include "sidecar/derive/derive_config.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

std::vector<std::string> texts(const std::vector<DeriveError>& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(e.to_string());
  return out;
}

TEST(PricingConfig, ParsesFileAndRules) {
  YAML::Node root = YAML::Load(R"(pricing:
  file: /etc/specwatch/pricing.yaml
  rules:
    - match: "ft:gpt-4o-mini:.*"
      model: gpt-4o-mini
    - match: "acme-.*"
      provider: azure.ai.openai
      model: gpt-4o
)");
  PricingConfig config;
  std::vector<DeriveError> errors;
  parse_pricing_config(root["pricing"], "pricing", "specwatch.yaml", config, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(config.file, "/etc/specwatch/pricing.yaml");
  ASSERT_EQ(config.rules.size(), 2u);
  EXPECT_EQ(config.rules[0].match, "ft:gpt-4o-mini:.*");
  EXPECT_EQ(config.rules[0].provider, "");
  EXPECT_EQ(config.rules[0].model, "gpt-4o-mini");
  EXPECT_EQ(config.rules[1].provider, "azure.ai.openai");
}

TEST(PricingConfig, Errors) {
  YAML::Node root = YAML::Load(R"(pricing:
  file: ""
  rules:
    - match: "(bad"
      model: gpt-4o
    - model: gpt-4o
    - match: x
      modle: y
  extra: 1
)");
  PricingConfig config;
  std::vector<DeriveError> errors;
  parse_pricing_config(root["pricing"], "pricing", "specwatch.yaml", config, errors);
  ASSERT_EQ(errors.size(), 6u);
  EXPECT_EQ(errors[0].to_string(), "specwatch.yaml:9:3: pricing.extra: unknown key");
  EXPECT_EQ(errors[1].to_string(), "specwatch.yaml:2:9: pricing.file: expected a non-empty string");
  EXPECT_EQ(errors[2].key, "pricing.rules[0].match");
  EXPECT_EQ(errors[2].line, 4);
  EXPECT_EQ(errors[2].column, 14);
  EXPECT_EQ(errors[2].message.rfind("invalid regular expression: ", 0), 0u);
  EXPECT_EQ(errors[3].to_string(), "specwatch.yaml:6:7: pricing.rules[1].match: missing");
  EXPECT_EQ(errors[4].to_string(), "specwatch.yaml:8:7: pricing.rules[2].modle: unknown key");
  EXPECT_EQ(errors[5].to_string(), "specwatch.yaml:7:7: pricing.rules[2].model: missing");
  EXPECT_TRUE(config.rules.empty());
}

TEST(CardinalityConfig, ParsesAndValidates) {
  CardinalityConfig config;
  std::vector<DeriveError> errors;
  parse_cardinality_config(YAML::Load("max_series_per_metric: 500"), "cardinality", "s.yaml",
                           config, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(config.max_series_per_metric, 500u);

  CardinalityConfig defaults;
  EXPECT_EQ(defaults.max_series_per_metric, 2000u);
  parse_cardinality_config(YAML::Load("max_series_per_metric: 0\nother: 1"), "cardinality",
                           "s.yaml", defaults, errors);
  EXPECT_EQ(texts(errors),
            (std::vector<std::string>{
                "s.yaml:2:1: cardinality.other: unknown key",
                "s.yaml:1:24: cardinality.max_series_per_metric: expected an integer from 1 to "
                "1000000"}));
  EXPECT_EQ(defaults.max_series_per_metric, 2000u);
  errors.clear();
  parse_cardinality_config(YAML::Load("[1]"), "cardinality", "s.yaml", defaults, errors);
  EXPECT_EQ(texts(errors),
            (std::vector<std::string>{"s.yaml:1:1: cardinality: expected a mapping"}));
}

}  // namespace
}  // namespace specwatch
