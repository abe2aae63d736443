#include "sidecar/observability/text_exposition.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "sidecar/observability/admin_endpoints.h"
#include "sidecar/observability/build_info.h"
#include "sidecar/observability/process_collector.h"
#include "tests/unit/observability/reference_exposition.h"

namespace specwatch {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using specwatch::testing::reference_exposition;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Label values a scraper must get back exactly: every character the format escapes, alone, in
// runs, first and last, next to characters it does not escape.
const std::vector<std::string> kAwkwardLabelValues = {
    "",
    "plain",
    "back\\slash",
    "\\",
    "\"quoted\"",
    "new\nline",
    "\n\n",
    "end\\",
    "\\\"\n\\\"\n",
    "h\xC3\xA9llo \xE2\x98\x83",
    "{a=\"b\",c}",
    "tab\there\r",
    " spaces ",
    "le",
    "=,}{",
};

// Help texts of the same kind; prometheus-cpp escapes none of them (the reference does).
const std::vector<std::string> kAwkwardHelpTexts = {
    "",    "Plain help.", "Quotes \"stay\" as {they} are.",   "back\\slash", "two\nlines",
    "\\n", "trailing\\",  "h\xC3\xA9llo \xE2\x98\x83 \t tab",
};

// Values where the digits of "%.16g" are easy to get wrong: zero and its sign, integers around
// 2^53 and 1e16 (where an exponent starts), the ends of the exponent range, fractions that 16
// digits do not round-trip.
const std::vector<double> kSpecialValues = {
    kNaN,
    -kNaN,
    kInf,
    -kInf,
    0.0,
    -0.0,
    1.0,
    -1.0,
    -42.5,
    1e-9,
    1e21,
    0.1,
    0.1 + 0.2,
    1.0 / 3.0,
    2.0 / 3.0,
    123456789.123,
    9007199254740992.0,   // 2^53
    9007199254740991.0,   // 2^53 - 1
    9007199254740994.0,   // 2^53 + 2
    -9007199254740992.0,  // -2^53
    1e15,
    9999999999999998.0,  // the largest double below 1e16
    1e16,
    1e17,
    12345678901234567890.0,
    9223372036854775807.0,  // 2^63
    -9223372036854775808.0,
    18446744073709551616.0,  // 2^64
    1e-4,
    9.9999999999999991e-5,
    1e-5,
    0.00012345,
    5e-324,
    DBL_MIN,
    DBL_MAX / 2,
    0x1.ffffffffffffdp+1023,  // the largest double that 16 digits write within range
    -1e300,
    1e100,
    4.35,
    0.005,
    2.5,
    7.5,
    100.0,
    1234567.0,
    0.5,
    1.5e300,
    -1e-300,
};

ClientMetric metric_with(std::vector<ClientMetric::Label> labels, std::int64_t timestamp_ms = 0) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.timestamp_ms = timestamp_ms;
  return metric;
}

MetricFamily family_of(std::string name, std::string help, MetricType type,
                       std::vector<ClientMetric> metrics = {}) {
  return {std::move(name), std::move(help), type, std::move(metrics)};
}

void expect_same_as_prometheus_cpp(const std::vector<MetricFamily>& families) {
  EXPECT_EQ(serialize_text_exposition(families), reference_exposition(families));
}

// Every value of `values` as a gauge and as a counter, untyped and summary value, a histogram
// sum and bucket bound, and a summary quantile.
std::vector<MetricFamily> families_showing(const std::vector<double>& values) {
  MetricFamily gauge = family_of("v_gauge", "Values.", MetricType::Gauge);
  MetricFamily counter = family_of("v_total", "", MetricType::Counter);
  MetricFamily untyped = family_of("v_untyped", "", MetricType::Untyped);
  MetricFamily histogram = family_of("v_histogram", "", MetricType::Histogram);
  MetricFamily summary = family_of("v_summary", "", MetricType::Summary);
  ClientMetric buckets = metric_with({{"all", "bounds"}});
  ClientMetric quantiles = metric_with({});
  std::uint64_t count = 0;
  for (double value : values) {
    ClientMetric m = metric_with({{"i", std::to_string(gauge.metric.size())}});
    m.gauge.value = value;
    m.counter.value = value;
    m.untyped.value = value;
    m.histogram.sample_sum = value;
    m.summary.sample_sum = value;
    m.summary.quantile = {{0.5, value}};
    gauge.metric.push_back(m);
    counter.metric.push_back(m);
    untyped.metric.push_back(m);
    histogram.metric.push_back(m);
    summary.metric.push_back(m);
    buckets.histogram.bucket.push_back({++count, value});
    quantiles.summary.quantile.push_back({value, value});
  }
  histogram.metric.push_back(buckets);
  summary.metric.push_back(quantiles);
  return {gauge, counter, untyped, histogram, summary};
}

TEST(TextExposition, SpecialValuesAsPrometheusCppWritesThem) {
  expect_same_as_prometheus_cpp(families_showing(kSpecialValues));
}

TEST(TextExposition, RandomDoublesAsPrometheusCppWritesThem) {
  std::mt19937_64 random(20260522);
  std::vector<double> values;
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t bits = random();
    double any;  // any bit pattern: subnormals, NaN payloads, huge and tiny exponents
    std::memcpy(&any, &bits, sizeof any);
    if (std::fabs(any) > 0x1.ffffffffffffdp+1023 && std::isfinite(any)) continue;
    values.push_back(any);
    // and values like those metrics show: counts, sums of small fractions, ratios
    values.push_back(static_cast<double>(bits % 100000000) / static_cast<double>(1 + bits % 977));
    values.push_back(static_cast<double>(bits >> 11));
  }
  expect_same_as_prometheus_cpp(families_showing(values));
}

TEST(TextExposition, AwkwardLabelValuesAndHelpTexts) {
  std::vector<MetricFamily> families;
  for (std::size_t h = 0; h < kAwkwardHelpTexts.size(); ++h) {
    MetricFamily family = family_of("awkward_" + std::to_string(h) + "_total", kAwkwardHelpTexts[h],
                                    MetricType::Counter);
    for (std::size_t v = 0; v < kAwkwardLabelValues.size(); ++v) {
      ClientMetric m =
          metric_with({{"a", kAwkwardLabelValues[v]},
                       {"b", kAwkwardLabelValues[(v + h) % kAwkwardLabelValues.size()]}});
      m.counter.value = static_cast<double>(v);
      family.metric.push_back(m);
    }
    families.push_back(family);
  }
  MetricFamily histogram = family_of("awkward_seconds", "A \"histogram\".", MetricType::Histogram);
  MetricFamily summary = family_of("awkward_summary", "A summary\\.", MetricType::Summary);
  for (const auto& value : kAwkwardLabelValues) {
    ClientMetric m = metric_with({{"path", value}});
    m.histogram = {3, 0.75, {{1, 0.1}, {3, 1.0}}};
    m.summary = {3, 0.75, {{0.5, 0.2}, {0.99, 0.5}}};
    histogram.metric.push_back(m);
    summary.metric.push_back(m);
  }
  families.push_back(histogram);
  families.push_back(summary);
  expect_same_as_prometheus_cpp(families);
}

TEST(TextExposition, HistogramBuckets) {
  MetricFamily family = family_of("h_seconds", "Histogram shapes.", MetricType::Histogram);
  ClientMetric no_buckets = metric_with({{"shape", "none"}});
  no_buckets.histogram = {0, 0.0, {}};
  ClientMetric open = metric_with({{"shape", "open"}});  // the +Inf bucket is added
  open.histogram = {7, 12.5, {{1, 0.005}, {2, 0.01}, {4, 2.5}, {6, 1e21}}};
  ClientMetric closed = metric_with({{"shape", "closed"}});  // ends in +Inf already
  closed.histogram = {7, 12.5, {{1, 0.005}, {7, kInf}}};
  ClientMetric odd = metric_with({});  // NaN and negative bounds, no labels
  odd.histogram = {2, kNaN, {{0, -kInf}, {1, -1.5}, {2, kNaN}}};
  family.metric = {no_buckets, open, closed, odd};
  expect_same_as_prometheus_cpp({family});
}

TEST(TextExposition, Summaries) {
  MetricFamily family = family_of("s_seconds", "Summary shapes.", MetricType::Summary);
  ClientMetric none = metric_with({{"q", "none"}});
  none.summary = {0, 0.0, {}};
  ClientMetric some = metric_with({{"q", "some"}}, 1700000000123);
  some.summary = {1000, 512.25, {{0.5, 0.4}, {0.9, 0.8}, {0.99, kNaN}, {0.999, kInf}}};
  family.metric = {none, some};
  expect_same_as_prometheus_cpp({family});
}

TEST(TextExposition, EmptyFamiliesAndFamiliesWithoutLabelsOrHelp) {
  ClientMetric bare = metric_with({});
  bare.gauge.value = 3;
  bare.counter.value = 4;
  bare.untyped.value = 5;
  expect_same_as_prometheus_cpp({
      family_of("empty_total", "Has no series.", MetricType::Counter),
      family_of("empty_gauge", "", MetricType::Gauge),
      family_of("empty_histogram", "", MetricType::Histogram),
      family_of("empty_summary", "", MetricType::Summary),
      family_of("empty_untyped", "", MetricType::Untyped),
      family_of("bare_gauge", "", MetricType::Gauge, {bare}),
      family_of("bare_total", "", MetricType::Counter, {bare}),
      family_of("bare_untyped", "Untyped.", MetricType::Untyped, {bare}),
  });
  expect_same_as_prometheus_cpp({});
}

TEST(TextExposition, Timestamps) {
  MetricFamily family = family_of("t_gauge", "Timestamps.", MetricType::Gauge);
  for (std::int64_t timestamp :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, std::int64_t{1700000000123},
        std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    ClientMetric m = metric_with({{"t", std::to_string(timestamp)}}, timestamp);
    m.gauge.value = 0.25;
    family.metric.push_back(m);
  }
  MetricFamily histogram = family_of("t_seconds", "", MetricType::Histogram);
  ClientMetric m = metric_with({}, 1700000000123);
  m.histogram = {1, 0.5, {{1, 1.0}}};
  histogram.metric.push_back(m);
  expect_same_as_prometheus_cpp({family, histogram});
}

// Written out here rather than compared, so that the format itself is pinned down.
TEST(TextExposition, FormatWrittenOut) {
  ClientMetric counter = metric_with({{"path", "C:\\dir \"x\"\nend"}, {"code", "200"}});
  counter.counter.value = 1027;
  ClientMetric histogram = metric_with({{"route", "/a"}}, 1395066363000);
  histogram.histogram = {3, 0.75, {{1, 0.1}, {2, 0.5}}};
  ClientMetric summary = metric_with({});
  summary.summary = {2, 1e-9, {{0.5, kNaN}}};
  ClientMetric gauge = metric_with({});
  gauge.gauge.value = -kInf;
  EXPECT_EQ(serialize_text_exposition(std::vector<MetricFamily>{
                family_of("http_requests_total", "Requests.\nBy path\\code.", MetricType::Counter,
                          {counter}),
                family_of("latency_seconds", "Latency.", MetricType::Histogram, {histogram}),
                family_of("rpc_seconds", "", MetricType::Summary, {summary}),
                family_of("temperature", "", MetricType::Gauge, {gauge}),
            }),
            "# HELP http_requests_total Requests.\\nBy path\\\\code.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{path=\"C:\\\\dir \\\"x\\\"\\nend\",code=\"200\"} 1027\n"
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_count{route=\"/a\"} 3 1395066363000\n"
            "latency_seconds_sum{route=\"/a\"} 0.75 1395066363000\n"
            "latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 1 1395066363000\n"
            "latency_seconds_bucket{route=\"/a\",le=\"0.5\"} 2 1395066363000\n"
            "latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3 1395066363000\n"
            "# TYPE rpc_seconds summary\n"
            "rpc_seconds_count 2\n"
            "rpc_seconds_sum 1e-09\n"
            "rpc_seconds{quantile=\"0.5\"} NaN\n"
            "# TYPE temperature gauge\n"
            "temperature -Inf\n");
}

// prometheus-cpp writes these as 1.797693134862316e+308, which a parser rejects as out of range;
// the shortest round-trip text is written instead.
TEST(TextExposition, LargestDoublesStayInRange) {
  MetricFamily family = family_of("big", "", MetricType::Gauge);
  for (double value : {DBL_MAX, std::nextafter(DBL_MAX, 0.0), -DBL_MAX}) {
    family.metric.push_back(metric_with({}));
    family.metric.back().gauge.value = value;
  }
  const std::string text = serialize_text_exposition(std::vector<MetricFamily>{family});
  EXPECT_EQ(text,
            "# TYPE big gauge\n"
            "big 1.7976931348623157e+308\n"
            "big 1.7976931348623155e+308\n"
            "big -1.7976931348623157e+308\n");
  EXPECT_TRUE(std::isfinite(std::strtod("1.7976931348623155e+308", nullptr)));
}

// A type outside prometheus-cpp's enumeration: its HELP line only, as prometheus-cpp does.
TEST(TextExposition, UnknownTypeWritesHelpOnly) {
  MetricFamily family = family_of("odd", "Odd.", static_cast<MetricType>(99), {metric_with({})});
  EXPECT_EQ(serialize_text_exposition(std::vector<MetricFamily>{family}), "# HELP odd Odd.\n");
  expect_same_as_prometheus_cpp({family});
}

// What the sidecar's own registry and collectables produce, through render_metrics().
TEST(TextExposition, RegistryAndCollectablesAsPrometheusCppWritesThem) {
  auto registry = std::make_shared<prometheus::Registry>();
  register_build_info(*registry, "1.2.3-test\"x\"");
  auto& requests = prometheus::BuildCounter()
                       .Name("t_requests_total")
                       .Help("Requests, by route and code.")
                       .Register(*registry);
  requests.Add({{"route", "/v1/\"chat\""}, {"code", "200"}}).Increment(12345);
  requests.Add({{"route", "C:\\path\n"}, {"code", "500"}}).Increment(0.1);
  prometheus::BuildGauge().Name("t_ratio").Help("Ratio.").Register(*registry).Add({}).Set(1.0 / 3);
  auto& latency = prometheus::BuildHistogram()
                      .Name("t_latency_seconds")
                      .Help("Latency.")
                      .Register(*registry)
                      .Add({{"op", "read"}}, prometheus::Histogram::BucketBoundaries{
                                                 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
  for (double seconds : {0.001, 0.02, 0.02, 0.3, 7.0}) latency.Observe(seconds);
  auto& sizes =
      prometheus::BuildSummary()
          .Name("t_size_bytes")
          .Help("Sizes.")
          .Register(*registry)
          .Add({}, prometheus::Summary::Quantiles{{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}});
  for (double bytes : {10.0, 20.0, 30.0, 4096.0}) sizes.Observe(bytes);

  EXPECT_EQ(render_metrics(*registry), reference_exposition(registry->Collect()));

  // The process collector's values move between two collections: compare one collection.
  auto families = registry->Collect();
  for (auto& family : ProcessCollector().Collect()) families.push_back(std::move(family));
  expect_same_as_prometheus_cpp(families);
}

}  // namespace
}  // namespace specwatch
