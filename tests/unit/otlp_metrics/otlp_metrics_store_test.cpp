#include "sidecar/otlp_metrics/otlp_metrics_store.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <set>
#include <thread>

namespace specwatch {
namespace {

using namespace otlp_model;
using namespace std::chrono_literals;

NumberPoint number(double value, Attributes attributes = {}, std::uint64_t start = 1) {
  NumberPoint point;
  point.attributes = std::move(attributes);
  point.start_time_unix_nano = start;
  point.time_unix_nano = start + 10;
  point.value = value;
  return point;
}

Metric gauge(std::string name, std::string unit, std::vector<NumberPoint> points) {
  return Metric{std::move(name), "", std::move(unit), Gauge{std::move(points)}};
}

Metric sum(std::string name, std::string unit, bool monotonic, Temporality temporality,
           std::vector<NumberPoint> points) {
  return Metric{std::move(name), "", std::move(unit),
                Sum{std::move(points), temporality, monotonic}};
}

HistogramPoint histogram_point(std::vector<double> bounds, std::vector<std::uint64_t> counts,
                               double total, Attributes attributes = {}) {
  HistogramPoint point;
  point.attributes = std::move(attributes);
  point.explicit_bounds = std::move(bounds);
  point.bucket_counts = std::move(counts);
  for (auto count : point.bucket_counts) point.count += count;
  point.sum = total;
  return point;
}

Metric histogram(std::string name, std::string unit, Temporality temporality,
                 std::vector<HistogramPoint> points) {
  return Metric{std::move(name), "", std::move(unit), Histogram{std::move(points), temporality}};
}

MetricsBatch batch(std::vector<Metric> metrics,
                   Attributes resource = {{"service.name", "specular"}}) {
  MetricsBatch out;
  auto& rm = out.resource_metrics.emplace_back();
  rm.resource_attributes = std::move(resource);
  rm.scope_metrics.push_back(ScopeMetrics{"specular", "1.0", std::move(metrics)});
  return out;
}

class OtlpMetricsStoreTest : public ::testing::Test {
 protected:
  OtlpMetricsStore& store(OtlpMetricsConfig config = {}) {
    if (!store_) {
      store_ = std::make_unique<OtlpMetricsStore>(
          config, [this](const std::string& name) { return reserved_.count(name) > 0; },
          [this] { return now_; });
    }
    return *store_;
  }

  // The exposition text of the named families only (all families when `names` is empty).
  std::string texts(std::set<std::string> names) {
    auto families = store().Collect();
    std::vector<prometheus::MetricFamily> picked;
    for (auto& family : families) {
      if (names.empty() || names.count(family.name) > 0) picked.push_back(std::move(family));
    }
    return prometheus::TextSerializer().Serialize(picked);
  }
  std::string text(const std::string& name) { return texts({name}); }
  std::string text() { return texts({}); }

  std::uint64_t dropped(OtlpDropReason reason) { return store().dropped_points(reason); }

  std::set<std::string> reserved_;
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
  std::unique_ptr<OtlpMetricsStore> store_;
};

TEST_F(OtlpMetricsStoreTest, RatioGaugeWithLabels) {
  auto m = gauge("cache.hit", "1", {number(0.75, {{"cache", "docker"}})});
  m.description = "Share of cache lookups that hit.";
  const auto result = store().ingest(batch({m}));
  EXPECT_EQ(result.accepted_points, 1u);
  EXPECT_EQ(result.rejected_points, 0u);
  EXPECT_EQ(text("cache_hit_ratio"),
            "# HELP cache_hit_ratio Share of cache lookups that hit.\n"
            "# TYPE cache_hit_ratio gauge\n"
            "cache_hit_ratio{cache=\"docker\",service_name=\"specular\"} 0.75\n");
}

TEST_F(OtlpMetricsStoreTest, EmptyRendering) {
  EXPECT_EQ(text(),
            "# HELP specwatch_otlp_metric_points_dropped_total OTLP metric data points not shown "
            "on /metrics, by reason.\n"
            "# TYPE specwatch_otlp_metric_points_dropped_total counter\n"
            "specwatch_otlp_metric_points_dropped_total{reason=\"unsupported_type\"} 0\n"
            "specwatch_otlp_metric_points_dropped_total{reason=\"invalid_name\"} 0\n"
            "specwatch_otlp_metric_points_dropped_total{reason=\"invalid_data\"} 0\n"
            "specwatch_otlp_metric_points_dropped_total{reason=\"bucket_mismatch\"} 0\n"
            "specwatch_otlp_metric_points_dropped_total{reason=\"type_conflict\"} 0\n"
            "specwatch_otlp_metric_points_dropped_total{reason=\"name_clash\"} 0\n"
            "specwatch_otlp_metric_points_dropped_total{reason=\"series_limit\"} 0\n"
            "# HELP specwatch_otlp_metric_series Series of pushed OTLP metrics held for /metrics.\n"
            "# TYPE specwatch_otlp_metric_series gauge\n"
            "specwatch_otlp_metric_series 0\n");
}

TEST_F(OtlpMetricsStoreTest, SpecularProviderCallsCounterWithUnitOne) {
  store().ingest(batch({sum("specular.provider.calls", "1", true, Temporality::kCumulative,
                            {number(3, {{"provider", "anthropic"}, {"model", "claude-sonnet-4"}}),
                             number(5, {{"provider", "openai"}, {"model", "gpt-4o"}})})}));
  EXPECT_EQ(text("specular_provider_calls_total"),
            "# TYPE specular_provider_calls_total counter\n"
            "specular_provider_calls_total{model=\"claude-sonnet-4\",provider=\"anthropic\","
            "service_name=\"specular\"} 3\n"
            "specular_provider_calls_total{model=\"gpt-4o\",provider=\"openai\","
            "service_name=\"specular\"} 5\n");
}

TEST_F(OtlpMetricsStoreTest, SpecularProviderLatencyHistogramInSeconds) {
  store().ingest(batch(
      {histogram("specular.provider.latency", "s", Temporality::kCumulative,
                 {histogram_point({0.5, 1, 5}, {1, 2, 3, 1}, 9.25, {{"provider", "openai"}})})}));
  EXPECT_EQ(
      text("specular_provider_latency_seconds"),
      "# TYPE specular_provider_latency_seconds histogram\n"
      "specular_provider_latency_seconds_count{provider=\"openai\",service_name=\"specular\"} 7\n"
      "specular_provider_latency_seconds_sum{provider=\"openai\",service_name=\"specular\"} 9.25\n"
      "specular_provider_latency_seconds_bucket{provider=\"openai\",service_name=\"specular\","
      "le=\"0.5\"} 1\n"
      "specular_provider_latency_seconds_bucket{provider=\"openai\",service_name=\"specular\","
      "le=\"1\"} 3\n"
      "specular_provider_latency_seconds_bucket{provider=\"openai\",service_name=\"specular\","
      "le=\"5\"} 6\n"
      "specular_provider_latency_seconds_bucket{provider=\"openai\",service_name=\"specular\","
      "le=\"+Inf\"} 7\n");
}

TEST_F(OtlpMetricsStoreTest, BytesPerSecondGaugeAndUpDownSum) {
  store().ingest(batch({gauge("net.io", "By/s", {number(1536)}),
                        sum("queue.depth", "1", false, Temporality::kCumulative, {number(-2)})}));
  EXPECT_EQ(texts({"net_io_bytes_per_second", "queue_depth"}),
            "# TYPE net_io_bytes_per_second gauge\n"
            "net_io_bytes_per_second{service_name=\"specular\"} 1536\n"
            "# TYPE queue_depth gauge\n"
            "queue_depth{service_name=\"specular\"} -2\n");
}

TEST_F(OtlpMetricsStoreTest, SummaryQuantilesSumAndCount) {
  SummaryPoint point;
  point.attributes = {{"command", "auto"}};
  point.count = 4;
  point.sum = 10.5;
  point.quantiles = {{0.5, 2}, {0.99, 4.5}};
  store().ingest(batch({Metric{"specular.command.duration", "", "s", Summary{{point}}}}));
  EXPECT_EQ(
      text("specular_command_duration_seconds"),
      "# TYPE specular_command_duration_seconds summary\n"
      "specular_command_duration_seconds_count{command=\"auto\",service_name=\"specular\"} 4\n"
      "specular_command_duration_seconds_sum{command=\"auto\",service_name=\"specular\"} 10.5\n"
      "specular_command_duration_seconds{command=\"auto\",service_name=\"specular\","
      "quantile=\"0.5\"} 2\n"
      "specular_command_duration_seconds{command=\"auto\",service_name=\"specular\","
      "quantile=\"0.99\"} 4.5\n");
}

TEST_F(OtlpMetricsStoreTest, ResourceLabelsAndAttributeKeys) {
  auto m = gauge("g", "",
                 {number(1, {{"service.name", "other"},
                             {"http.method", "GET"},
                             {"http_method", "POST"},
                             {"2xx", "yes"},
                             {"empty", ""}})});
  store().ingest(batch({m}, {{"service.name", "specular"},
                             {"service.namespace", "dev"},
                             {"service.instance.id", "host-1"},
                             {"service.version", "1.2.0"}}));
  // "http.method" and "http_method" collide: values joined in the order of the original keys.
  EXPECT_EQ(
      text("g"),
      "# TYPE g gauge\n"
      "g{exported_service_name=\"other\",http_method=\"GET;POST\",key_2xx=\"yes\","
      "service_instance_id=\"host-1\",service_name=\"specular\",service_namespace=\"dev\"} 1\n");
}

TEST_F(OtlpMetricsStoreTest, HistogramAttributeLeBecomesExportedLe) {
  store().ingest(batch(
      {histogram("h", "", Temporality::kCumulative, {histogram_point({}, {2}, 3, {{"le", "x"}})})},
      {}));
  EXPECT_EQ(text("h"),
            "# TYPE h histogram\n"
            "h_count{exported_le=\"x\"} 2\n"
            "h_sum{exported_le=\"x\"} 3\n"
            "h_bucket{exported_le=\"x\",le=\"+Inf\"} 2\n");
}

TEST_F(OtlpMetricsStoreTest, DeltaSumsAccumulateAcrossThreeBatches) {
  for (double value : {2.0, 3.5, 10.0}) {
    store().ingest(batch(
        {sum("specular.provider.tokens", "{token}", true, Temporality::kDelta,
             {number(value, {{"token_type", "input"}}), number(1, {{"token_type", "output"}})})}));
  }
  EXPECT_EQ(text("specular_provider_tokens_total"),
            "# TYPE specular_provider_tokens_total counter\n"
            "specular_provider_tokens_total{service_name=\"specular\",token_type=\"input\"} 15.5\n"
            "specular_provider_tokens_total{service_name=\"specular\",token_type=\"output\"} 3\n");
}

TEST_F(OtlpMetricsStoreTest, DeltaHistogramsAccumulateAcrossThreeBatches) {
  store().ingest(batch(
      {histogram("lat", "ms", Temporality::kDelta, {histogram_point({10, 100}, {1, 0, 0}, 5)})},
      {}));
  store().ingest(batch(
      {histogram("lat", "ms", Temporality::kDelta, {histogram_point({10, 100}, {2, 3, 1}, 400)})},
      {}));
  store().ingest(batch(
      {histogram("lat", "ms", Temporality::kDelta, {histogram_point({10, 100}, {0, 1, 0}, 50)})},
      {}));
  EXPECT_EQ(text("lat_milliseconds"),
            "# TYPE lat_milliseconds histogram\n"
            "lat_milliseconds_count 8\n"
            "lat_milliseconds_sum 455\n"
            "lat_milliseconds_bucket{le=\"10\"} 3\n"
            "lat_milliseconds_bucket{le=\"100\"} 7\n"
            "lat_milliseconds_bucket{le=\"+Inf\"} 8\n");
}

TEST_F(OtlpMetricsStoreTest, DeltaHistogramWithOtherBoundsIsDropped) {
  store().ingest(
      batch({histogram("lat", "s", Temporality::kDelta, {histogram_point({1}, {1, 1}, 3)})}, {}));
  const auto result = store().ingest(
      batch({histogram("lat", "s", Temporality::kDelta, {histogram_point({2}, {4, 0}, 4)})}, {}));
  EXPECT_EQ(result.accepted_points, 0u);
  EXPECT_EQ(result.rejected_points, 1u);
  EXPECT_EQ(dropped(OtlpDropReason::kBucketMismatch), 1u);
  EXPECT_EQ(text("lat_seconds"),
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_count 2\n"
            "lat_seconds_sum 3\n"
            "lat_seconds_bucket{le=\"1\"} 1\n"
            "lat_seconds_bucket{le=\"+Inf\"} 2\n");
}

TEST_F(OtlpMetricsStoreTest, CumulativeResetIsTakenAsItComes) {
  store().ingest(batch({sum("calls", "", true, Temporality::kCumulative, {number(10, {}, 100)})}));
  store().ingest(batch({sum("calls", "", true, Temporality::kCumulative, {number(12, {}, 100)})}));
  EXPECT_EQ(text("calls_total"),
            "# TYPE calls_total counter\ncalls_total{service_name=\"specular\"} 12\n");
  // The pushing process restarted: a new start time and a smaller value.
  store().ingest(batch({sum("calls", "", true, Temporality::kCumulative, {number(3, {}, 500)})}));
  EXPECT_EQ(text("calls_total"),
            "# TYPE calls_total counter\ncalls_total{service_name=\"specular\"} 3\n");
}

TEST_F(OtlpMetricsStoreTest, CumulativeHistogramReplacesEvenWithNewBounds) {
  store().ingest(batch(
      {histogram("h", "", Temporality::kCumulative, {histogram_point({1}, {5, 5}, 20)})}, {}));
  store().ingest(batch(
      {histogram("h", "", Temporality::kCumulative, {histogram_point({2}, {1, 0}, 0.5)})}, {}));
  EXPECT_EQ(text("h"),
            "# TYPE h histogram\nh_count 1\nh_sum 0.5\nh_bucket{le=\"2\"} 1\n"
            "h_bucket{le=\"+Inf\"} 1\n");
}

ExponentialHistogramPoint exponential_point() {
  // scale 0 (base 2): positive offset 1 → (2,4]: 5, (4,8]: 7; negative offset 0 → [-2,-1): 2.
  ExponentialHistogramPoint point;
  point.scale = 0;
  point.zero_count = 3;
  point.positive = {1, {5, 7}};
  point.negative = {0, {2}};
  point.count = 17;
  point.sum = 60;
  return point;
}

TEST_F(OtlpMetricsStoreTest, ExponentialHistogramBecomesClassicBuckets) {
  store().ingest(
      batch({Metric{"payload", "", "By",
                    ExponentialHistogram{{exponential_point()}, Temporality::kCumulative}}},
            {}));
  EXPECT_EQ(text("payload_bytes"),
            "# TYPE payload_bytes histogram\n"
            "payload_bytes_count 17\n"
            "payload_bytes_sum 60\n"
            "payload_bytes_bucket{le=\"-1\"} 2\n"
            "payload_bytes_bucket{le=\"0\"} 5\n"
            "payload_bytes_bucket{le=\"4\"} 10\n"
            "payload_bytes_bucket{le=\"8\"} 17\n"
            "payload_bytes_bucket{le=\"+Inf\"} 17\n");
}

TEST_F(OtlpMetricsStoreTest, DeltaExponentialHistogramsMergeAtTheCoarserScale) {
  store().ingest(batch({Metric{"payload", "", "By",
                               ExponentialHistogram{{exponential_point()}, Temporality::kDelta}}},
                       {}));
  // scale 1 (base sqrt 2): index 2 → (2, 2.83], index 3 → (2.83, 4], index 5 → (5.66, 8]:
  // at scale 0 they are indexes 1, 1 and 2.
  ExponentialHistogramPoint finer;
  finer.scale = 1;
  finer.positive = {2, {1, 1, 0, 4}};
  finer.count = 6;
  finer.sum = 30;
  store().ingest(
      batch({Metric{"payload", "", "By", ExponentialHistogram{{finer}, Temporality::kDelta}}}, {}));
  EXPECT_EQ(text("payload_bytes"),
            "# TYPE payload_bytes histogram\n"
            "payload_bytes_count 23\n"
            "payload_bytes_sum 90\n"
            "payload_bytes_bucket{le=\"-1\"} 2\n"
            "payload_bytes_bucket{le=\"0\"} 5\n"
            "payload_bytes_bucket{le=\"4\"} 12\n"
            "payload_bytes_bucket{le=\"8\"} 23\n"
            "payload_bytes_bucket{le=\"+Inf\"} 23\n");
}

TEST_F(OtlpMetricsStoreTest, InvalidDataIsCounted) {
  auto bad_counts = histogram_point({1}, {1, 1}, 3);
  bad_counts.count = 5;  // buckets say 2
  auto bad_scale = exponential_point();
  bad_scale.scale = 21;
  const auto result = store().ingest(
      batch({sum("s", "", true, Temporality::kUnspecified, {number(1), number(2)}),
             histogram("h", "", Temporality::kCumulative, {bad_counts}),
             Metric{"e", "", "", ExponentialHistogram{{bad_scale}, Temporality::kCumulative}},
             Metric{"unknown", "", "", std::monostate{}}, gauge("...", "", {number(1)})}));
  EXPECT_EQ(result.accepted_points, 0u);
  EXPECT_EQ(result.rejected_points, 6u);
  EXPECT_EQ(dropped(OtlpDropReason::kInvalidData), 4u);
  EXPECT_EQ(dropped(OtlpDropReason::kUnsupportedType), 1u);
  EXPECT_EQ(dropped(OtlpDropReason::kInvalidName), 1u);
  EXPECT_EQ(store().series_count(), 0u);
}

TEST_F(OtlpMetricsStoreTest, TypeConflictKeepsTheFirstFamily) {
  store().ingest(batch({gauge("jobs", "", {number(4)})}, {}));
  const auto result = store().ingest(
      batch({sum("jobs", "", false, Temporality::kCumulative, {number(1)}),
             histogram("jobs", "", Temporality::kCumulative, {histogram_point({}, {1}, 1)})},
            {}));
  EXPECT_EQ(result.accepted_points, 1u);  // the non-monotonic sum is a gauge too
  EXPECT_EQ(dropped(OtlpDropReason::kTypeConflict), 1u);
  EXPECT_EQ(text("jobs"), "# TYPE jobs gauge\njobs 1\n");
}

TEST_F(OtlpMetricsStoreTest, SeriesExpireAfterTheConfiguredTime) {
  OtlpMetricsConfig config;
  config.expire_after = 60s;
  store(config).ingest(batch({gauge("a", "", {number(1)}), gauge("b", "", {number(2)})}, {}));
  now_ += 30s;
  store().ingest(batch({gauge("b", "", {number(3)})}, {}));
  now_ += 29s;  // a: 59 s old
  EXPECT_EQ(
      texts({"a", "b", "specwatch_otlp_metric_series"}),
      "# TYPE a gauge\na 1\n# TYPE b gauge\nb 3\n"
      "# HELP specwatch_otlp_metric_series Series of pushed OTLP metrics held for "
      "/metrics.\n# TYPE specwatch_otlp_metric_series gauge\nspecwatch_otlp_metric_series 2\n");
  now_ += 1s;  // a: 60 s old
  EXPECT_EQ(texts({"a", "b"}), "# TYPE b gauge\nb 3\n");
  EXPECT_EQ(store().series_count(), 1u);
  now_ += 30s;
  EXPECT_EQ(texts({"a", "b"}), "");
  EXPECT_EQ(store().series_count(), 0u);
}

TEST_F(OtlpMetricsStoreTest, ExpiredDeltaSeriesStartsAgainFromZero) {
  OtlpMetricsConfig config;
  config.expire_after = 60s;
  store(config).ingest(batch({sum("c", "", true, Temporality::kDelta, {number(5)})}, {}));
  now_ += 60s;  // expired, not swept yet by a scrape
  store().ingest(batch({sum("c", "", true, Temporality::kDelta, {number(2)})}, {}));
  EXPECT_EQ(text("c_total"), "# TYPE c_total counter\nc_total 2\n");
}

TEST_F(OtlpMetricsStoreTest, SeriesLimitsDropNewSeriesWithExactCounts) {
  OtlpMetricsConfig config;
  config.max_series_per_metric = 3;
  config.max_series_total = 5;
  std::vector<NumberPoint> points;
  for (int i = 0; i < 5; ++i) points.push_back(number(i, {{"n", std::to_string(i)}}));
  auto result = store(config).ingest(batch({gauge("a", "", points)}, {}));
  EXPECT_EQ(result.accepted_points, 3u);
  EXPECT_EQ(result.rejected_points, 2u);
  // b gets 2 series (total 5), then the total limit drops the other 3.
  result = store().ingest(batch({gauge("b", "", points)}, {}));
  EXPECT_EQ(result.accepted_points, 2u);
  EXPECT_EQ(result.rejected_points, 3u);
  // Existing series still update past the limit.
  result = store().ingest(batch({gauge("a", "", {number(9, {{"n", "0"}})})}, {}));
  EXPECT_EQ(result.accepted_points, 1u);
  EXPECT_EQ(dropped(OtlpDropReason::kSeriesLimit), 5u);
  EXPECT_EQ(store().series_count(), 5u);
  EXPECT_EQ(text("a"), "# TYPE a gauge\na{n=\"0\"} 9\na{n=\"1\"} 1\na{n=\"2\"} 2\n");
  const std::string all = text();
  EXPECT_NE(all.find("specwatch_otlp_metric_points_dropped_total{reason=\"series_limit\"} 5\n"),
            std::string::npos);
  EXPECT_NE(all.find("specwatch_otlp_metric_series 5\n"), std::string::npos);
}

TEST_F(OtlpMetricsStoreTest, NameClashRenamesByDefault) {
  reserved_ = {"specular_provider_latency_seconds"};
  store().ingest(batch({histogram("specular.provider.latency", "s", Temporality::kCumulative,
                                  {histogram_point({1}, {1, 0}, 0.5)})}));
  EXPECT_EQ(
      text(),
      "# TYPE otlp_specular_provider_latency_seconds histogram\n"
      "otlp_specular_provider_latency_seconds_count{service_name=\"specular\"} 1\n"
      "otlp_specular_provider_latency_seconds_sum{service_name=\"specular\"} 0.5\n"
      "otlp_specular_provider_latency_seconds_bucket{service_name=\"specular\",le=\"1\"} 1\n"
      "otlp_specular_provider_latency_seconds_bucket{service_name=\"specular\",le=\"+Inf\"} 1\n"
      "# HELP specwatch_otlp_metric_points_dropped_total OTLP metric data points not shown "
      "on /metrics, by reason.\n"
      "# TYPE specwatch_otlp_metric_points_dropped_total counter\n"
      "specwatch_otlp_metric_points_dropped_total{reason=\"unsupported_type\"} 0\n"
      "specwatch_otlp_metric_points_dropped_total{reason=\"invalid_name\"} 0\n"
      "specwatch_otlp_metric_points_dropped_total{reason=\"invalid_data\"} 0\n"
      "specwatch_otlp_metric_points_dropped_total{reason=\"bucket_mismatch\"} 0\n"
      "specwatch_otlp_metric_points_dropped_total{reason=\"type_conflict\"} 0\n"
      "specwatch_otlp_metric_points_dropped_total{reason=\"name_clash\"} 0\n"
      "specwatch_otlp_metric_points_dropped_total{reason=\"series_limit\"} 0\n"
      "# HELP specwatch_otlp_metric_series Series of pushed OTLP metrics held for /metrics.\n"
      "# TYPE specwatch_otlp_metric_series gauge\n"
      "specwatch_otlp_metric_series 1\n");
}

TEST_F(OtlpMetricsStoreTest, NameClashDropsWhenConfigured) {
  reserved_ = {"specular_provider_latency_seconds"};
  OtlpMetricsConfig config;
  config.on_name_clash = NameClashPolicy::kDrop;
  const auto result = store(config).ingest(
      batch({histogram("specular.provider.latency", "s", Temporality::kCumulative,
                       {histogram_point({1}, {1, 0}, 0.5), histogram_point({1}, {0, 1}, 2)})}));
  EXPECT_EQ(result.rejected_points, 2u);
  EXPECT_EQ(dropped(OtlpDropReason::kNameClash), 2u);
  EXPECT_EQ(store().series_count(), 0u);
}

TEST_F(OtlpMetricsStoreTest, OwnMetricNamesAndTakenRenamesClash) {
  reserved_ = {"x", "otlp_x"};
  store().ingest(batch(
      {gauge("x", "", {number(1)}), gauge("specwatch.otlp.metric.series", "", {number(1)})}, {}));
  EXPECT_EQ(dropped(OtlpDropReason::kNameClash), 1u);
  EXPECT_EQ(
      texts({"x", "otlp_x", "otlp_specwatch_otlp_metric_series"}),
      "# TYPE otlp_specwatch_otlp_metric_series gauge\notlp_specwatch_otlp_metric_series 1\n");
}

TEST_F(OtlpMetricsStoreTest, FamilyReservedAfterItWasCreatedIsLeftOut) {
  store().ingest(batch({gauge("late", "", {number(1)})}, {}));
  reserved_ = {"late"};  // the registry created its own `late` family since
  EXPECT_EQ(text("late"), "");
  store().ingest(batch({gauge("late", "", {number(2)})}, {}));
  EXPECT_EQ(texts({"late", "otlp_late"}), "# TYPE otlp_late gauge\notlp_late 2\n");
}

TEST_F(OtlpMetricsStoreTest, HistogramWithoutSumRendersNaNSum) {
  auto point = histogram_point({0}, {1, 1}, 0);
  point.sum.reset();
  store().ingest(batch({histogram("temp.delta", "Cel", Temporality::kCumulative, {point})}, {}));
  EXPECT_EQ(text("temp_delta_celsius"),
            "# TYPE temp_delta_celsius histogram\n"
            "temp_delta_celsius_count 2\n"
            "temp_delta_celsius_sum Nan\n"  // prometheus-cpp spells NaN so; Prometheus parses it

            "temp_delta_celsius_bucket{le=\"0\"} 1\n"
            "temp_delta_celsius_bucket{le=\"+Inf\"} 2\n");
}

TEST_F(OtlpMetricsStoreTest, ConcurrentIngestAndCollect) {
  store();
  auto push = [this] {
    for (int i = 0; i < 500; ++i) {
      store_->ingest(batch({sum("c", "", true, Temporality::kDelta, {number(1)})}, {}));
    }
  };
  std::thread first(push);
  std::thread second(push);
  for (int i = 0; i < 100; ++i) store_->Collect();
  first.join();
  second.join();
  EXPECT_EQ(text("c_total"), "# TYPE c_total counter\nc_total 1000\n");
}

}  // namespace
}  // namespace specwatch
