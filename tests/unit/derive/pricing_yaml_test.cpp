#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "sidecar/derive/derive_config.h"
#include "sidecar/derive/pricing.h"

namespace specwatch {
namespace {

std::vector<std::string> error_texts(const PricingParseResult& result) {
  std::vector<std::string> out;
  for (const auto& e : result.errors) out.push_back(e.to_string());
  return out;
}

TEST(PricingYaml, ReadsAllKeys) {
  auto result = parse_pricing_yaml(R"(models:
  - provider: OpenAI
    model: My-Model
    input: 1e-6
    output: 2.0e-6
    cache_read: 0.5e-6
    cache_creation: 1.25e-6
    output_includes_reasoning: false
    reasoning: 3e-6
    tier: {above_input_tokens: 1000, input: 2e-6, output: 4e-6}
    source: "a test"
    checked: 2026-01-02
)",
                                   "pricing.yaml");
  ASSERT_TRUE(result.errors.empty()) << result.errors.front().to_string();
  ASSERT_EQ(result.entries.size(), 1u);
  const ModelPrice& p = result.entries[0];
  EXPECT_EQ(p.provider, "openai");
  EXPECT_EQ(p.model, "my-model");
  EXPECT_EQ(p.rates, (TokenRates{1e-6, 2e-6, 0.5e-6, 1.25e-6, 3e-6}));
  EXPECT_FALSE(p.output_includes_reasoning);
  ASSERT_TRUE(p.tier.has_value());
  EXPECT_EQ(p.tier->above_input_tokens, 1000);
  // Tier: absent cache rates are the tier's input rate; the reasoning rate follows its output.
  EXPECT_EQ(p.tier->rates, (TokenRates{2e-6, 4e-6, 2e-6, 2e-6, 4e-6}));
  EXPECT_EQ(p.source, "a test");
  EXPECT_EQ(p.checked, "2026-01-02");
}

TEST(PricingYaml, ErrorsNameFileLineColumnAndKey) {
  auto result = parse_pricing_yaml(R"(models:
  - provider: openai
    model: a
    input: 1e-6
    output: 1e-6
  - provider: openai
    model: b
    input: cheap
    output: -1
  - provider: openai
    model: c
    inptu: 1e-6
    output: 1e-6
  - provider: openai
    model: d
    input: 1e-6
    output: 1e-6
    tier: {input: 1e-6, output: 1e-6}
  - just text
)",
                                   "pricing.yaml");
  EXPECT_EQ(error_texts(result),
            (std::vector<std::string>{
                "pricing.yaml:8:12: models[1].input: expected a number",
                "pricing.yaml:9:13: models[1].output: expected a finite number >= 0",
                "pricing.yaml:12:5: models[2].inptu: unknown key",
                "pricing.yaml:10:5: models[2].input: missing (USD per input token)",
                "pricing.yaml:18:11: models[3].tier.above_input_tokens: missing",
                "pricing.yaml:19:5: models[4]: expected a mapping",
            }));
  // Valid entries are still returned (the caller decides not to use them when errors exist).
  ASSERT_EQ(result.entries.size(), 1u);
  EXPECT_EQ(result.entries[0].model, "a");
}

TEST(PricingYaml, SyntaxErrorHasAPlaceAndNoException) {
  auto result = parse_pricing_yaml("models: [\n  {provider: a\n", "user.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].file, "user.yaml");
  EXPECT_EQ(result.errors[0].key, "");
  EXPECT_EQ(result.errors[0].to_string(), "user.yaml:3:1: end of map flow not found");
}

TEST(PricingYaml, TopLevelShape) {
  EXPECT_EQ(error_texts(parse_pricing_yaml("- a\n", "p.yaml")),
            (std::vector<std::string>{"p.yaml:1:1: expected a mapping with the key 'models'"}));
  EXPECT_EQ(
      error_texts(parse_pricing_yaml("prices: []\n", "p.yaml")),
      (std::vector<std::string>{"p.yaml:1:1: prices: unknown key", "p.yaml:1:1: models: missing"}));
  EXPECT_EQ(error_texts(parse_pricing_yaml("models: 3\n", "p.yaml")),
            (std::vector<std::string>{"p.yaml:1:9: models: expected a list"}));
}

TEST(PricingYaml, MissingFile) {
  auto result = load_pricing_file("/nonexistent/specwatch/pricing.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            "/nonexistent/specwatch/pricing.yaml:0:0: cannot open the pricing file");
}

class UserPricingFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/specwatch-derive-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::remove(path_.c_str());
    std::remove(dir_.c_str());
  }
  void write(const std::string& text) {
    path_ = dir_ + "/pricing.yaml";
    std::ofstream(path_) << text;
  }
  std::string dir_;
  std::string path_;
};

TEST_F(UserPricingFile, OverridesBundledEntriesOneByOne) {
  write(R"(models:
  - provider: openai
    model: gpt-4o
    input: 1.0e-06
    output: 4.0e-06
  - provider: cerebras
    model: llama-4-scout
    input: 6.5e-07
    output: 8.5e-07
)");
  std::vector<DeriveError> errors;
  PricingConfig config;
  config.file = path_;
  config.rules = {{"scout-.*", "", "llama-4-scout"}};
  PricingTable table = build_pricing_table(config, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(table.size(), 20u);
  const ModelPrice* gpt4o = table.find("openai", "openai/gpt-4o-2024-08-06");
  ASSERT_NE(gpt4o, nullptr);
  EXPECT_EQ(gpt4o->rates, (TokenRates{1.0e-06, 4.0e-06, 1.0e-06, 1.0e-06, 4.0e-06}));
  EXPECT_EQ(table.find("openai", "gpt-4o-mini")->rates.input, 1.5e-07);  // untouched
  EXPECT_EQ(table.find("cerebras", "llama-4-scout")->rates.output, 8.5e-07);
  EXPECT_EQ(table.find("cerebras", "Scout-Fast")->model, "llama-4-scout");
}

TEST_F(UserPricingFile, InvalidFileKeepsBundledPrices) {
  write("models:\n  - provider: openai\n    model: gpt-4o\n    input: x\n    output: 1\n");
  std::vector<DeriveError> errors;
  PricingConfig config;
  config.file = path_;
  PricingTable table = build_pricing_table(config, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].to_string(), path_ + ":4:12: models[0].input: expected a number");
  EXPECT_EQ(table.size(), 19u);
  EXPECT_EQ(table.find("openai", "gpt-4o")->rates.input, 2.5e-06);
}

}  // namespace
}  // namespace specwatch
