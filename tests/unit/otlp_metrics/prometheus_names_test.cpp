#include "sidecar/otlp_metrics/prometheus_names.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

TEST(PrometheusNamesTest, SanitizesMetricNames) {
  EXPECT_EQ(sanitize_metric_name("specular.provider.latency"), "specular_provider_latency");
  EXPECT_EQ(sanitize_metric_name("http..server--duration"), "http_server_duration");
  EXPECT_EQ(sanitize_metric_name("a:b/c"), "a:b_c");
  EXPECT_EQ(sanitize_metric_name(".leading.and.trailing."), "leading_and_trailing");
  EXPECT_EQ(sanitize_metric_name("2xx.count"), "_2xx_count");
  EXPECT_EQ(sanitize_metric_name("ünïcode"), "n_code");
  EXPECT_EQ(sanitize_metric_name("..."), "");
  EXPECT_EQ(sanitize_metric_name(""), "");
}

TEST(PrometheusNamesTest, SanitizesLabelNames) {
  EXPECT_EQ(sanitize_label_name("token_type"), "token_type");
  EXPECT_EQ(sanitize_label_name("http.response.status_code"), "http_response_status_code");
  EXPECT_EQ(sanitize_label_name("a:b"), "a_b");
  EXPECT_EQ(sanitize_label_name("9lives"), "key_9lives");
  EXPECT_EQ(sanitize_label_name("_private"), "key_private");
  EXPECT_EQ(sanitize_label_name("__name__"), "key_name_");
  EXPECT_EQ(sanitize_label_name(""), "");
}

TEST(PrometheusNamesTest, UnitSuffixes) {
  EXPECT_EQ(unit_suffix("s", PromKind::kHistogram), "seconds");
  EXPECT_EQ(unit_suffix("ms", PromKind::kGauge), "milliseconds");
  EXPECT_EQ(unit_suffix("By", PromKind::kCounter), "bytes");
  EXPECT_EQ(unit_suffix("KiBy", PromKind::kGauge), "kibibytes");
  EXPECT_EQ(unit_suffix("By/s", PromKind::kGauge), "bytes_per_second");
  EXPECT_EQ(unit_suffix("{packet}/s", PromKind::kCounter), "per_second");
  EXPECT_EQ(unit_suffix("1/s", PromKind::kCounter), "per_second");
  EXPECT_EQ(unit_suffix("{request}", PromKind::kCounter), "");
  EXPECT_EQ(unit_suffix("1", PromKind::kGauge), "ratio");
  EXPECT_EQ(unit_suffix("1", PromKind::kCounter), "");
  EXPECT_EQ(unit_suffix("1", PromKind::kUpDown), "");
  EXPECT_EQ(unit_suffix("Cel", PromKind::kGauge), "celsius");
  EXPECT_EQ(unit_suffix("widgets", PromKind::kGauge), "widgets");
  EXPECT_EQ(unit_suffix("", PromKind::kGauge), "");
}

TEST(PrometheusNamesTest, SpecularMetricNames) {
  EXPECT_EQ(prometheus_metric_name("specular.provider.latency", "s", PromKind::kHistogram),
            "specular_provider_latency_seconds");
  EXPECT_EQ(prometheus_metric_name("specular.command.duration", "s", PromKind::kHistogram),
            "specular_command_duration_seconds");
  EXPECT_EQ(prometheus_metric_name("specular.provider.calls", "1", PromKind::kCounter),
            "specular_provider_calls_total");
  EXPECT_EQ(prometheus_metric_name("specular.provider.tokens", "{token}", PromKind::kCounter),
            "specular_provider_tokens_total");
  EXPECT_EQ(prometheus_metric_name("specular.command.invocations", "", PromKind::kCounter),
            "specular_command_invocations_total");
}

TEST(PrometheusNamesTest, FullNames) {
  EXPECT_EQ(prometheus_metric_name("cache.hit_ratio", "1", PromKind::kGauge), "cache_hit_ratio");
  EXPECT_EQ(prometheus_metric_name("cache.hits", "1", PromKind::kGauge), "cache_hits_ratio");
  EXPECT_EQ(prometheus_metric_name("queue.depth", "1", PromKind::kUpDown), "queue_depth");
  EXPECT_EQ(prometheus_metric_name("net.io", "By/s", PromKind::kGauge), "net_io_bytes_per_second");
  EXPECT_EQ(prometheus_metric_name("net.io.bytes", "By/s", PromKind::kGauge),
            "net_io_bytes_per_second");
  EXPECT_EQ(prometheus_metric_name("net.io.bytes_per_second", "By/s", PromKind::kGauge),
            "net_io_bytes_per_second");
  EXPECT_EQ(prometheus_metric_name("http.server.duration", "ms", PromKind::kHistogram),
            "http_server_duration_milliseconds");
  EXPECT_EQ(prometheus_metric_name("rx.bytes", "By", PromKind::kCounter), "rx_bytes_total");
  EXPECT_EQ(prometheus_metric_name("requests.total", "", PromKind::kCounter), "requests_total");
  EXPECT_EQ(prometheus_metric_name("rx", "By", PromKind::kCounter), "rx_bytes_total");
  EXPECT_EQ(prometheus_metric_name("...", "s", PromKind::kGauge), "");
}

}  // namespace
}  // namespace specwatch
