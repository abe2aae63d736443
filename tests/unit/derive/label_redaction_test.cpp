// Secrets in the input's names never become label values or log text: every built-in pattern in
// every LlmCall field that is a label, counted exactly in specwatch_redactions_total.
#include <gtest/gtest.h>

#include <algorithm>

#include "sidecar/derive/derived_metrics.h"
#include "tests/support/metrics_text.h"
#include "tests/support/sample_secrets.h"

namespace specwatch {
namespace {

using specwatch::testing::kSampleSecrets;
using specwatch::testing::leaks;
using specwatch::testing::render;
using specwatch::testing::samples;

enum class Field { kService, kProvider, kModel, kOperation, kErrorType };

CanonicalEvent failed_call(Field field, std::string_view value) {
  CanonicalEvent e;
  e.service = field == Field::kService ? std::string(value) : "svc";
  LlmCall call;
  call.provider = field == Field::kProvider ? std::string(value) : "openai";
  call.model = field == Field::kModel ? std::string(value) : "gpt-4o";
  call.operation = field == Field::kOperation ? std::string(value) : "chat";
  call.error_type = field == Field::kErrorType ? std::string(value) : "timeout";
  call.outcome = Outcome::kError;
  call.input_tokens = 10;
  e.body = call;
  return e;
}

// Series of derived metrics (not the redaction counter itself) that hold `text`.
std::size_t series_holding(const std::string& metrics_text, std::string_view text) {
  std::size_t n = 0;
  std::size_t line_start = 0;
  while (line_start < metrics_text.size()) {
    std::size_t line_end = metrics_text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = metrics_text.size();
    const std::string_view line(metrics_text.data() + line_start, line_end - line_start);
    if (!line.starts_with("#") && !line.starts_with("specwatch_redactions_total") &&
        line.find(text) != std::string_view::npos) {
      ++n;
    }
    line_start = line_end + 1;
  }
  return n;
}

std::string counter_line(std::string_view pattern, std::string_view site, int value) {
  return "specwatch_redactions_total{pattern=\"" + std::string(pattern) + "\",site=\"" +
         std::string(site) + "\"} " + std::to_string(value);
}

class LabelRedactionTest : public ::testing::Test {
 protected:
  LabelRedactionTest()
      : logger_(LogLevel::kInfo, [this](std::string_view line) { log_.emplace_back(line); }) {}

  std::vector<std::string> log_;
  Logger logger_;
};

TEST_F(LabelRedactionTest, EveryPatternInEveryLabelField) {
  const Field fields[] = {Field::kService, Field::kProvider, Field::kModel, Field::kOperation,
                          Field::kErrorType};
  // Series created for one failed call of an unpriced model with input tokens: requests, tokens,
  // unpriced; the operation and error type are labels of requests only.
  const std::size_t expected_series[] = {3, 3, 3, 1, 1};
  for (const auto& sample : kSampleSecrets) {
    for (std::size_t f = 0; f < std::size(fields); ++f) {
      SCOPED_TRACE(std::string(sample.pattern) + " in field " + std::to_string(f));
      log_.clear();
      prometheus::Registry registry;
      DerivedMetrics metrics(registry, PricingTable::bundled(), DeriveLimits{}, logger_);
      // Twice: the second call finds the cached series and counts no redaction.
      metrics.record(failed_call(fields[f], sample.text), Tool::kNone);
      metrics.record(failed_call(fields[f], sample.text), Tool::kNone);
      const std::string text = render(registry);
      EXPECT_FALSE(leaks(text, sample.secret)) << text;
      const std::string marker = Redactor::marker(sample.pattern);
      EXPECT_EQ(series_holding(text, marker), expected_series[f]);
      EXPECT_NE(
          text.find(counter_line(sample.pattern, "label", static_cast<int>(expected_series[f]))),
          std::string::npos)
          << text;
      // A secret model has no price: the warning names it (gpt-4o is priced whatever the
      // provider is called).
      const bool logged_field = fields[f] == Field::kModel;
      for (const auto& line : log_) {
        EXPECT_FALSE(leaks(line, sample.secret)) << line;
      }
      if (logged_field) {
        ASSERT_EQ(log_.size(), 1u);
        EXPECT_NE(log_[0].find(marker), std::string::npos) << log_[0];
        EXPECT_NE(text.find(counter_line(sample.pattern, "log", 1)), std::string::npos) << text;
      } else {
        EXPECT_NE(text.find(counter_line(sample.pattern, "log", 0)), std::string::npos) << text;
      }
    }
  }
}

TEST_F(LabelRedactionTest, ServiceInTheUnpricedWarning) {
  prometheus::Registry registry;
  DerivedMetrics metrics(registry, PricingTable::bundled(), DeriveLimits{}, logger_);
  CanonicalEvent e = failed_call(Field::kService, "svc " + std::string(testing::kAwsKeyId));
  std::get<LlmCall>(e.body).model = "in-house-" + std::string(testing::kGithubToken);
  std::get<LlmCall>(e.body).provider = "acme-" + std::string(testing::kGoogleKey);
  metrics.record(e, Tool::kNone);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_NE(
      log_[0].find(
          "\"service\":\"svc [REDACTED:aws_access_key_id]\",\"provider\":"
          "\"acme-[REDACTED:google_api_key]\",\"model\":\"in-house-[REDACTED:github_token]\""),
      std::string::npos)
      << log_[0];
  const std::string text = render(registry);
  EXPECT_NE(text.find(counter_line("aws_access_key_id", "log", 1)), std::string::npos);
  EXPECT_NE(text.find(counter_line("github_token", "log", 1)), std::string::npos);
  EXPECT_NE(text.find(counter_line("google_api_key", "log", 1)), std::string::npos);
}

TEST_F(LabelRedactionTest, TwoSecretsThatRedactAlikeShareOneSeries) {
  prometheus::Registry registry;
  DerivedMetrics metrics(registry, PricingTable::bundled(), DeriveLimits{}, logger_);
  metrics.record(failed_call(Field::kOperation, testing::kOpenAiKey), Tool::kNone);
  metrics.record(failed_call(Field::kOperation, testing::kOpenAiProjectKey), Tool::kNone);
  metrics.record(failed_call(Field::kOperation, testing::kOpenAiKey), Tool::kNone);
  const std::string text = render(registry);
  EXPECT_EQ(samples(text, "specwatch_llm_requests_total"),
            (std::vector<std::string>{
                "specwatch_llm_requests_total{error_type=\"timeout\",model=\"gpt-4o\",operation="
                "\"[REDACTED:openai_api_key]\",outcome=\"error\",provider=\"openai\",service="
                "\"svc\"} 3"}));
  // Once per series created: the second secret found the series the first one created.
  EXPECT_NE(text.find(counter_line("openai_api_key", "label", 1)), std::string::npos) << text;
}

TEST_F(LabelRedactionTest, NearMissesAreLabelsAsWritten) {
  prometheus::Registry registry;
  DerivedMetrics metrics(registry, PricingTable::bundled(), DeriveLimits{}, logger_);
  for (std::string_view model :
       {"sk-2024", "skeleton", "task-ant", "gpt-4o-mini", "claude-3-5-sonnet-20241022",
        "123e4567-e89b-12d3-a456-426614174000", "4bf92f3577b34da6a3ce929d0e0e4736"}) {
    metrics.record(failed_call(Field::kModel, model), Tool::kNone);
  }
  const std::string text = render(registry);
  for (std::string_view model :
       {"sk-2024", "skeleton", "task-ant", "gpt-4o-mini", "claude-3-5-sonnet-20241022",
        "123e4567-e89b-12d3-a456-426614174000", "4bf92f3577b34da6a3ce929d0e0e4736"}) {
    EXPECT_NE(text.find("model=\"" + std::string(model) + "\""), std::string::npos) << model;
  }
  EXPECT_EQ(text.find("REDACTED"), std::string::npos);
  for (const auto& line : samples(text, "specwatch_redactions_total")) {
    EXPECT_TRUE(line.ends_with("} 0")) << line;
  }
}

TEST_F(LabelRedactionTest, DisabledPatternIsLeftInPlaceAndHasNoSeries) {
  prometheus::Registry registry;
  DeriveLimits limits;
  limits.redaction.patterns.set(BuiltinPattern::kGroqApiKey, false);
  DerivedMetrics metrics(registry, PricingTable::bundled(), limits, logger_);
  metrics.record(failed_call(Field::kOperation, testing::kGroqKey), Tool::kNone);
  const std::string text = render(registry);
  EXPECT_NE(text.find("operation=\"" + std::string(testing::kGroqKey) + "\""), std::string::npos);
  EXPECT_EQ(text.find("pattern=\"groq_api_key\""), std::string::npos);
}

}  // namespace
}  // namespace specwatch
