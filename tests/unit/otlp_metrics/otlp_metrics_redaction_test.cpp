// Pushed attribute values are label values from the sender: secrets in them are redacted when
// the series is created, and the redacted series is found again by the same input.
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "sidecar/otlp_metrics/otlp_metrics_store.h"
#include "tests/support/sample_secrets.h"

namespace specwatch {
namespace {

using namespace otlp_model;

MetricsBatch counter_batch(double value, Attributes resource, Attributes point_attributes) {
  NumberPoint point;
  point.attributes = std::move(point_attributes);
  point.start_time_unix_nano = 1;
  point.time_unix_nano = 11;
  point.value = value;
  MetricsBatch out;
  auto& rm = out.resource_metrics.emplace_back();
  rm.resource_attributes = std::move(resource);
  rm.scope_metrics.push_back(
      ScopeMetrics{"s", "1", {Metric{"calls", "", "", Sum{{point}, Temporality::kDelta, true}}}});
  return out;
}

TEST(OtlpMetricsRedaction, ResourceAndPointValuesAreRedactedOncePerSeries) {
  prometheus::Registry registry;
  auto redaction =
      std::make_shared<SiteRedactor>(registry, RedactionConfig{}, RedactionSite::kLabel);
  OtlpMetricsStore store(
      {}, {}, [] { return std::chrono::steady_clock::time_point{}; }, redaction);
  const Attributes resource = {{"service.name", "svc " + std::string(testing::kAwsKeyId)}};
  for (int i = 0; i < 3; ++i) {
    store.ingest(counter_batch(1, resource, {{"api_key", std::string(testing::kOpenAiKey)}}));
  }
  // Another key of the same pattern: the same redacted series.
  store.ingest(counter_batch(1, resource, {{"api_key", std::string(testing::kOpenAiProjectKey)}}));
  store.ingest(counter_batch(1, {{"service.name", "svc"}}, {{"api_key", "none"}}));
  const std::string text = prometheus::TextSerializer().Serialize(store.Collect());
  EXPECT_NE(text.find("calls_total{api_key=\"[REDACTED:openai_api_key]\",service_name=\"svc "
                      "[REDACTED:aws_access_key_id]\"} 4"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("calls_total{api_key=\"none\",service_name=\"svc\"} 1"), std::string::npos)
      << text;
  EXPECT_EQ(store.series_count(), 2u);
  RedactionMetrics counts(registry, redaction->redactor());
  EXPECT_EQ(
      counts.value(RedactionSite::kLabel, static_cast<std::size_t>(BuiltinPattern::kOpenAiApiKey)),
      1.0);
  EXPECT_EQ(counts.value(RedactionSite::kLabel,
                         static_cast<std::size_t>(BuiltinPattern::kAwsAccessKeyId)),
            1.0);
}

}  // namespace
}  // namespace specwatch
