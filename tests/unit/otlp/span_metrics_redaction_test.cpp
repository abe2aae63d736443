// Span names and services come from the sender: a secret in them never becomes a label value.
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "sidecar/otlp/span_metrics.h"
#include "tests/support/sample_secrets.h"

namespace specwatch {
namespace {

TEST(SpanMetricsRedaction, ServiceAndSpanNameAreRedactedOncePerSeries) {
  prometheus::Registry registry;
  SpanMetrics metrics(registry);
  const std::string span_name = "GET /v1?key=" + std::string(testing::kGoogleKey);
  const std::string service = "postgres://app:" + std::string(testing::kUrlPassword) + "@db/x";
  std::vector<SpanObservation> spans(3, SpanObservation{span_name, "client", "ok", 0.2});
  metrics.observe(service, spans);
  metrics.observe(service, spans);
  const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_EQ(text.find(testing::kGoogleKey), std::string::npos) << text;
  EXPECT_EQ(text.find(testing::kUrlPassword), std::string::npos) << text;
  EXPECT_NE(text.find("specwatch_span_calls_total{service=\"postgres://app:[REDACTED:url_password]"
                      "@db/x\",span_kind=\"client\",span_name=\"GET /v1?key=[REDACTED:google_api_"
                      "key]\",status_code=\"ok\"} 6"),
            std::string::npos)
      << text;
  // Two families (calls, duration), one series each.
  EXPECT_NE(text.find("specwatch_redactions_total{pattern=\"google_api_key\",site=\"label\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("specwatch_redactions_total{pattern=\"url_password\",site=\"label\"} 2"),
            std::string::npos);
}

}  // namespace
}  // namespace specwatch
