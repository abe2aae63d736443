#include "sidecar/redact/redaction_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "tests/support/sample_secrets.h"

namespace specwatch {
namespace {

std::size_t index_of(BuiltinPattern pattern) {
  return static_cast<std::size_t>(pattern);
}

TEST(RedactionMetrics, SeriesOfEnabledPatternsStartAtZero) {
  prometheus::Registry registry;
  const Redactor redactor;
  RedactionMetrics metrics(registry, redactor);
  const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_NE(text.find("specwatch_redactions_total{pattern=\"anthropic_api_key\",site=\"label\"} 0"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("specwatch_redactions_total{pattern=\"private_key\",site=\"log\"} 0"),
            std::string::npos);
  EXPECT_EQ(text.find("email_address"), std::string::npos);  // off by default: no series
}

TEST(RedactionMetrics, SiteRedactorCountsEachMatchAtItsSite) {
  prometheus::Registry registry;
  SiteRedactor labels(registry, RedactionConfig{}, RedactionSite::kLabel);
  SiteRedactor logs(registry, RedactionConfig{}, RedactionSite::kLog);
  const std::string two_keys =
      std::string(testing::kGroqKey) + " " + std::string(testing::kGroqKey);
  EXPECT_EQ(labels.apply(two_keys), "[REDACTED:groq_api_key] [REDACTED:groq_api_key]");
  EXPECT_EQ(logs.apply(testing::kAwsKeyId), "[REDACTED:aws_access_key_id]");
  EXPECT_EQ(labels.apply("gpt-4o-mini"), "gpt-4o-mini");
  // Both share one family: a second RedactionMetrics reads the same series.
  RedactionMetrics reader(registry, labels.redactor());
  EXPECT_EQ(reader.value(RedactionSite::kLabel, index_of(BuiltinPattern::kGroqApiKey)), 2.0);
  EXPECT_EQ(reader.value(RedactionSite::kLog, index_of(BuiltinPattern::kGroqApiKey)), 0.0);
  EXPECT_EQ(reader.value(RedactionSite::kLog, index_of(BuiltinPattern::kAwsAccessKeyId)), 1.0);
  EXPECT_EQ(reader.value(RedactionSite::kLabel, index_of(BuiltinPattern::kAwsAccessKeyId)), 0.0);
}

}  // namespace
}  // namespace specwatch
