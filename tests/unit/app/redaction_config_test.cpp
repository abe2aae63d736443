// `redaction.patterns` (user-defined patterns) and the names that choose patterns, in the section
// and in an exporter's own `redaction:`: what is read, and the exact text and place of every error.
#include <gtest/gtest.h>

#include "sidecar/app/app_config.h"
#include "tests/unit/exporters/test_dir.h"

namespace specwatch {
namespace {

class RedactionConfigTest : public ::testing::Test {
 protected:
  ConfigLoadResult parse(const std::string& text) const {
    return parse_config(
        text, "cfg.yaml", dir_.path(),
        fixed_environment({{"HOME", "/home/ada"}, {"SPECWATCH_STATE_DIR", dir_.file("state")}}),
        app_config_sections());
  }

  static std::vector<std::string> texts(const ConfigLoadResult& result) {
    std::vector<std::string> out;
    for (const ConfigError& error : result.errors) out.push_back(error.to_string());
    return out;
  }

  static const RedactionConfig& file_exporter_redaction(const Config& config, std::size_t i) {
    return *std::get<FileExporterConfig>(config.exporters.at(i).settings).redaction;
  }

  testing::ScratchDir dir_;
};

constexpr std::size_t kFirstUser = kBuiltinPatternCount;

TEST_F(RedactionConfigTest, UserPatternsWithTheirDefaults) {
  ConfigLoadResult result = parse(
      "redaction:\n"
      "  patterns:\n"
      "    - name: stripe_secret_key\n"
      "      prefix: sk_live_\n"
      "    - name: acme_token\n"
      "      prefix: acme_tok_\n"
      "      charset: A-F0-9\n"
      "      min_length: 8\n"
      "      max_length: 8\n");
  ASSERT_TRUE(result.config.has_value()) << texts(result).front();
  const RedactionConfig& redaction = result.config->redaction;
  ASSERT_EQ(redaction.user_patterns.size(), 2u);
  const UserPattern& stripe = redaction.user_patterns[0];
  EXPECT_EQ(stripe.name, "stripe_secret_key");
  EXPECT_EQ(stripe.prefix, "sk_live_");
  EXPECT_EQ(stripe.charset, "A-Za-z0-9_-");
  EXPECT_EQ(stripe.min_length, 16u);
  EXPECT_EQ(stripe.max_length, 256u);
  const UserPattern& acme = redaction.user_patterns[1];
  EXPECT_EQ(acme.charset, "A-F0-9");
  EXPECT_TRUE(acme.body.contains('F'));
  EXPECT_FALSE(acme.body.contains('a'));
  EXPECT_EQ(acme.min_length, 8u);
  EXPECT_EQ(acme.max_length, 8u);
  // On by default, the built-ins as they were.
  EXPECT_TRUE(redaction.patterns.enabled(kFirstUser));
  EXPECT_TRUE(redaction.patterns.enabled(kFirstUser + 1));
  EXPECT_EQ(redaction.patterns, PatternSet::defaults());
}

TEST_F(RedactionConfigTest, UserPatternsAreTurnedOffByNameInTheSectionAndPerExporter) {
  // The exporters come first: their names are resolved once the section is read.
  ConfigLoadResult result = parse(
      "exporters:\n"
      "  - type: file\n    name: archive\n    path: out.ndjson\n"
      "    redaction: {disabled_patterns: [acme_token], enabled_patterns: [email_address]}\n"
      "  - type: file\n    name: plain\n    path: plain.ndjson\n"
      "redaction:\n"
      "  disabled_patterns: [stripe_secret_key, bearer_token]\n"
      "  patterns:\n"
      "    - {name: stripe_secret_key, prefix: sk_live_}\n"
      "    - {name: acme_token, prefix: acme_tok_}\n");
  ASSERT_TRUE(result.config.has_value()) << texts(result).front();
  const Config& config = *result.config;
  EXPECT_FALSE(config.redaction.patterns.enabled(kFirstUser));
  EXPECT_TRUE(config.redaction.patterns.enabled(kFirstUser + 1));
  EXPECT_FALSE(config.redaction.patterns.enabled(BuiltinPattern::kBearerToken));

  // The exporter's own choice is over the defaults, with the section's user patterns.
  const RedactionConfig& archive = file_exporter_redaction(config, 0);
  EXPECT_EQ(archive.user_patterns, config.redaction.user_patterns);
  EXPECT_TRUE(archive.patterns.enabled(kFirstUser));
  EXPECT_FALSE(archive.patterns.enabled(kFirstUser + 1));
  EXPECT_TRUE(archive.patterns.enabled(BuiltinPattern::kEmailAddress));
  EXPECT_TRUE(archive.patterns.enabled(BuiltinPattern::kBearerToken));
  // Without its own choice, an exporter applies the section's (exporter_redaction.h).
  EXPECT_FALSE(std::get<FileExporterConfig>(config.exporters[1].settings).redaction.has_value());
}

TEST_F(RedactionConfigTest, EveryUserPatternProblemAtItsPlace) {
  ConfigLoadResult result = parse(
      "redaction:\n"
      "  patterns:\n"
      "    - name: Stripe-Key\n"
      "      prefix: sk\n"
      "    - name: github_token\n"
      "      prefix: ghx_\n"
      "    - name: acme_token\n"
      "      prefix: \"acme tok_\"\n"
      "      charset: \"F-A\"\n"
      "      min_length: 40\n"
      "      max_length: 30\n"
      "    - name: acme_token\n"
      "      prefix: acme_\n"
      "    - prefix: clé_\n"
      "      colour: red\n"
      "    - name: \"\"\n"
      "      prefix: abc\n"
      "      charset: \"a-zé\"\n"
      "      max_length: 5000\n"
      "  disabled_patterns: [acme_token, nope]\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:3:13: redaction.patterns[0].name: invalid pattern name \"Stripe-Key\": "
                "must match [a-z][a-z0-9_]* and be at most 64 characters (it is a label value and "
                "part of the marker)",
                "cfg.yaml:4:15: redaction.patterns[0].prefix: must be at least 3 bytes (got "
                "\"sk\")",
                "cfg.yaml:5:13: redaction.patterns[1].name: \"github_token\" is the name of a "
                "built-in pattern",
                "cfg.yaml:8:15: redaction.patterns[2].prefix: must be printable ASCII without "
                "spaces (got \"acme tok_\")",
                "cfg.yaml:9:16: redaction.patterns[2].charset: range \"F-A\" is reversed",
                "cfg.yaml:10:19: redaction.patterns[2].min_length: min_length 40 is greater than "
                "max_length 30",
                "cfg.yaml:12:13: redaction.patterns[3].name: duplicate pattern name "
                "\"acme_token\"; first defined at line 7",
                "cfg.yaml:14:7: redaction.patterns[4].name: required key is missing",
                "cfg.yaml:14:15: redaction.patterns[4].prefix: must be printable ASCII without "
                "spaces (got \"clé_\")",
                "cfg.yaml:15:7: redaction.patterns[4].colour: unknown key; allowed keys: name, "
                "prefix, charset, min_length, max_length",
                "cfg.yaml:16:13: redaction.patterns[5].name: must not be empty",
                "cfg.yaml:18:16: redaction.patterns[5].charset: must be printable ASCII without "
                "spaces (got \"a-zé\")",
                "cfg.yaml:19:19: redaction.patterns[5].max_length: must be at most 4096, got 5000",
                "cfg.yaml:20:35: redaction.disabled_patterns[1]: unknown pattern \"nope\"; known "
                "patterns: anthropic_api_key, openai_api_key, groq_api_key, google_api_key, "
                "aws_access_key_id, aws_secret_access_key, github_token, bearer_token, "
                "url_password, private_key, email_address, phone_number, acme_token",
            }));
}

TEST_F(RedactionConfigTest, MinAboveTheDefaultMaxIsReportedAtMin) {
  ConfigLoadResult result = parse(
      "redaction:\n  patterns:\n    - {name: long_token, prefix: lt_, min_length: 300}\n"
      "    - {name: short_token, prefix: st_, max_length: 8}\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:3:51: redaction.patterns[0].min_length: min_length 300 is greater than "
                "max_length 256",
                "cfg.yaml:4:52: redaction.patterns[1].max_length: min_length 16 is greater than "
                "max_length 8",
            }));
}

TEST_F(RedactionConfigTest, NoMorePatternsThanTheRedactorHasRoomFor) {
  std::string text = "redaction:\n  patterns:\n";
  for (std::size_t i = 0; i < kMaxUserPatterns; ++i) {
    text += "    - {name: p" + std::to_string(i) + ", prefix: p" + std::to_string(i) + "_}\n";
  }
  ASSERT_TRUE(parse(text).config.has_value()) << texts(parse(text)).front();
  EXPECT_EQ(parse(text).config->redaction.user_patterns.size(), 20u);
  text += "    - {name: one_more, prefix: one_}\n";
  EXPECT_EQ(texts(parse(text)), (std::vector<std::string>{
                                    "cfg.yaml:3:5: redaction.patterns: at most 20 patterns (the "
                                    "redactor has 32, 12 of them built in), got 21",
                                }));
}

TEST_F(RedactionConfigTest, AnExportersUnknownNameListsTheUserPatterns) {
  ConfigLoadResult result = parse(
      "redaction:\n  patterns:\n    - {name: acme_token, prefix: acme_tok_}\n"
      "  enabled_patterns: [acme_token]\n  disabled_patterns: [acme_token]\n"
      "exporters:\n"
      "  - type: file\n    name: archive\n    path: out.ndjson\n"
      "    redaction:\n      enabled_patterns: [acme_token, acme_tokens]\n"
      "      patterns: []\n");
  EXPECT_EQ(texts(result),
            (std::vector<std::string>{
                "cfg.yaml:4:21: redaction.enabled_patterns: pattern \"acme_token\" is also in "
                "disabled_patterns",
                "cfg.yaml:11:38: exporters[0].redaction.enabled_patterns[1]: unknown pattern "
                "\"acme_tokens\"; known patterns: anthropic_api_key, openai_api_key, "
                "groq_api_key, google_api_key, aws_access_key_id, aws_secret_access_key, "
                "github_token, bearer_token, url_password, private_key, email_address, "
                "phone_number, acme_token",
                "cfg.yaml:12:7: exporters[0].redaction.patterns: unknown key; allowed keys: "
                "disabled_patterns, enabled_patterns",
            }));
}

TEST_F(RedactionConfigTest, PatternsMustBeAListOfMappings) {
  EXPECT_EQ(texts(parse("redaction:\n  patterns: sk_live_\n")),
            (std::vector<std::string>{
                "cfg.yaml:2:13: redaction.patterns: expected a list, got \"sk_live_\""}));
  EXPECT_EQ(texts(parse("redaction:\n  patterns: [sk_live_]\n")),
            (std::vector<std::string>{
                "cfg.yaml:2:14: redaction.patterns[0]: expected a mapping, got \"sk_live_\""}));
}

}  // namespace
}  // namespace specwatch
