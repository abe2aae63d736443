#include "sidecar/otlp/otlp_config.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "otlp_support.h"
#include "sidecar/otlp/otlp_receivers.h"

namespace specwatch {
namespace {

struct OtlpConfigTest : ::testing::Test {
  ErrorCollector errors{"c.yaml"};
  ConfigReader reader{errors, fixed_environment({{"PORT", "14318"}}), "/etc/sw"};
  OtlpConfig config;

  void read(const std::string& yaml) {
    YAML::Node doc = YAML::Load(yaml);
    read_otlp_section(doc["otlp"], "otlp", config, reader);
  }
  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const ConfigError& error : errors.errors()) out.push_back(error.to_string());
    return out;
  }
};

TEST_F(OtlpConfigTest, DefaultsWhenTheSectionIsEmpty) {
  read("otlp: {}\n");
  EXPECT_TRUE(errors.empty());
  EXPECT_TRUE(config.grpc.enabled);
  EXPECT_EQ(config.grpc.listen, "0.0.0.0:4317");
  EXPECT_EQ(config.grpc.port, 4317);
  EXPECT_TRUE(config.http.enabled);
  EXPECT_EQ(config.http.listen, "0.0.0.0:4318");
  EXPECT_EQ(config.http.host, "0.0.0.0");
  EXPECT_EQ(config.http.port, 4318);
  EXPECT_EQ(config.max_body_bytes, 16777216u);
  EXPECT_EQ(config.max_compressed_bytes, 16777216u);
  EXPECT_EQ(config.span_profile, "otlp-span");
  EXPECT_EQ(config.log_profile, "otlp-log");
  EXPECT_EQ(config.retry_after_seconds, 1);
  EXPECT_EQ(config.consume_timeout_ms, 200);
  EXPECT_EQ(config.header_timeout_ms, 5000);
  EXPECT_EQ(config.max_connections, 256u);
  EXPECT_EQ(config.span_metrics_max_series, 2000u);
}

TEST_F(OtlpConfigTest, ConnectionLimitsAreReadAndChecked) {
  read(
      "otlp:\n"
      "  header_timeout_ms: 1500\n"
      "  max_connections: 32\n");
  EXPECT_EQ(texts(), std::vector<std::string>{});
  EXPECT_EQ(config.header_timeout_ms, 1500);
  EXPECT_EQ(config.max_connections, 32u);
  read(
      "otlp:\n"
      "  header_timeout_ms: 0\n"
      "  max_connections: 0\n");
  EXPECT_EQ(texts(), (std::vector<std::string>{
                         "c.yaml:2:22: otlp.header_timeout_ms: must be at least 1, got 0",
                         "c.yaml:3:20: otlp.max_connections: must be at least 1, got 0"}));
}

TEST_F(OtlpConfigTest, SameReceiversIgnoresOnlyTheMetricsSubsection) {
  OtlpConfig a;
  OtlpConfig b;
  EXPECT_TRUE(same_receivers(a, b));
  b.metrics.max_series_per_metric = a.metrics.max_series_per_metric + 1;
  EXPECT_TRUE(same_receivers(a, b));
  b = a;
  b.header_timeout_ms = 1;
  EXPECT_FALSE(same_receivers(a, b));
  b = a;
  b.http.port = 1;
  EXPECT_FALSE(same_receivers(a, b));
  b = a;
  b.grpc.enabled = false;
  EXPECT_FALSE(same_receivers(a, b));
  b = a;
  b.span_profile = "other";
  EXPECT_FALSE(same_receivers(a, b));
}

TEST_F(OtlpConfigTest, ReadsEveryKey) {
  read(
      "otlp:\n"
      "  grpc: {enabled: false, listen: \"127.0.0.1:14317\"}\n"
      "  http: {listen: \"[::1]:${PORT}\"}\n"
      "  max_body_bytes: 1048576\n"
      "  span_profile: my-spans\n"
      "  log_profile: my-logs\n"
      "  retry_after_seconds: 5\n"
      "  consume_timeout_ms: 50\n"
      "  span_metrics: {max_series_per_metric: 10}\n");
  EXPECT_EQ(texts(), std::vector<std::string>{});
  EXPECT_FALSE(config.grpc.enabled);
  EXPECT_EQ(config.grpc.host, "127.0.0.1");
  EXPECT_EQ(config.grpc.port, 14317);
  EXPECT_TRUE(config.http.enabled);
  EXPECT_EQ(config.http.host, "::1");
  EXPECT_EQ(config.http.port, 14318);
  EXPECT_EQ(config.max_body_bytes, 1048576u);
  EXPECT_EQ(config.max_compressed_bytes, 1048576u);  // follows max_body_bytes
  EXPECT_EQ(config.span_profile, "my-spans");
  EXPECT_EQ(config.log_profile, "my-logs");
  EXPECT_EQ(config.retry_after_seconds, 5);
  EXPECT_EQ(config.consume_timeout_ms, 50);
  EXPECT_EQ(config.span_metrics_max_series, 10u);
}

TEST_F(OtlpConfigTest, ReportsEveryProblemWithItsPlace) {
  read(
      "otlp:\n"
      "  grpc: {enabled: maybe}\n"
      "  http: {listen: \"nowhere\"}\n"
      "  max_body_bytes: 0\n"
      "  max_compressed_bytes: 2048\n"
      "  span_profile: \"\"\n"
      "  span_metrics: {max_series: 5}\n"
      "  colour: blue\n");
  EXPECT_EQ(texts(),
            (std::vector<std::string>{
                "c.yaml:8:3: otlp.colour: unknown key; allowed keys: grpc, http, max_body_bytes, "
                "max_compressed_bytes, span_profile, log_profile, retry_after_seconds, "
                "consume_timeout_ms, header_timeout_ms, max_connections, span_metrics, metrics",
                "c.yaml:2:19: otlp.grpc.enabled: expected true or false, got \"maybe\"",
                "c.yaml:3:18: otlp.http.listen: expected host:port (such as \"0.0.0.0:9464\", "
                "\"[::1]:9464\" or \":9464\"), got \"nowhere\"",
                "c.yaml:4:19: otlp.max_body_bytes: must be at least 1, got 0",
                "c.yaml:6:17: otlp.span_profile: must not be empty",
                "c.yaml:7:18: otlp.span_metrics.max_series: unknown key; allowed keys: "
                "max_series_per_metric"}));
  EXPECT_EQ(config.max_body_bytes, 16777216u);
  EXPECT_EQ(config.max_compressed_bytes, 2048u);
  EXPECT_EQ(config.span_profile, "otlp-span");
}

TEST_F(OtlpConfigTest, TheSectionMustBeAMapping) {
  read("otlp: [1]\n");
  EXPECT_EQ(texts(), std::vector<std::string>{"c.yaml:1:7: otlp: expected a mapping, got a list"});
}

TEST_F(OtlpConfigTest, ReceiversAreBuiltFromTheSection) {
  read(
      "otlp:\n"
      "  grpc: {listen: \"127.0.0.1:0\"}\n"
      "  http: {enabled: false}\n"
      "  max_body_bytes: 1000\n"
      "  consume_timeout_ms: 5\n");
  ASSERT_TRUE(errors.empty());
  const OtlpHttpOptions http = otlp_http_options(config);
  EXPECT_EQ(http.max_body_bytes, 1000u);
  EXPECT_EQ(http.max_compressed_bytes, 1000u);
  EXPECT_EQ(http.ingest.consume_timeout, std::chrono::milliseconds(5));
  EXPECT_EQ(http.ingest.span_profile, "otlp-span");
  const OtlpGrpcOptions grpc = otlp_grpc_options(config);
  EXPECT_EQ(grpc.host, "127.0.0.1");
  EXPECT_EQ(grpc.port, 0);

  prometheus::Registry registry;
  OtlpMetrics metrics(registry);
  testing::FakeSink sink;
  NullMetricsConsumer metrics_consumer;
  Logger logger(LogLevel::kError, [](std::string_view) {});
  auto receivers = make_otlp_receivers(config, sink, metrics_consumer, metrics, logger);
  ASSERT_EQ(receivers.size(), 1u);
  EXPECT_EQ(receivers[0]->name(), "otlp-grpc");
  EXPECT_FALSE(receivers[0]->ready());
  EXPECT_EQ(receivers[0]->not_ready_reason(), "not listening yet");
  receivers[0]->start();
  EXPECT_TRUE(receivers[0]->ready());
  receivers[0]->stop(100);
  EXPECT_EQ(receivers[0]->not_ready_reason(), "stopped");
}

}  // namespace
}  // namespace specwatch
