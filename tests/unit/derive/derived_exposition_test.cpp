// The derived families as /metrics writes them straight from their series: exact text for
// counters, gauges and histograms, escaped label values, special values, empty label sets, series
// that two inputs share, and the families a page already holds.
#include "sidecar/derive/derived_exposition.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <cmath>
#include <limits>
#include <string>

#include "sidecar/derive/limited_family.h"
#include "tests/support/sample_secrets.h"

namespace specwatch {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Fixture {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& overflow = prometheus::BuildCounter()
                                                          .Name("specwatch_series_overflow_total")
                                                          .Help("Folded.")
                                                          .Register(registry);
  DerivedExposition exposition;

  LimitedCounter counter(const std::string& name, const std::string& help,
                         std::vector<std::string> labels, std::size_t limit = 100,
                         SiteRedactor* redaction = nullptr) {
    return LimitedCounter(prometheus::BuildCounter().Name(name).Help(help).Register(registry), name,
                          std::move(labels), limit, overflow, {}, redaction,
                          &exposition.add_family<prometheus::Counter>(name, help));
  }
  LimitedGauge gauge(const std::string& name, const std::string& help,
                     std::vector<std::string> labels) {
    return LimitedGauge(prometheus::BuildGauge().Name(name).Help(help).Register(registry), name,
                        std::move(labels), 100, overflow, {}, nullptr,
                        &exposition.add_family<prometheus::Gauge>(name, help));
  }
  LimitedHistogram histogram(const std::string& name, const std::string& help,
                             std::vector<std::string> labels,
                             prometheus::Histogram::BucketBoundaries buckets) {
    auto& exposed = exposition.add_family<prometheus::Histogram>(name, help, buckets);
    return LimitedHistogram(prometheus::BuildHistogram().Name(name).Help(help).Register(registry),
                            name, std::move(labels), 100, overflow, std::move(buckets), nullptr,
                            &exposed);
  }

  std::string text(const TextExposable::NameTaken& taken = {}) const {
    std::string out;
    exposition.append_text(out, taken);
    return out;
  }
};

TEST(DerivedExposition, WritesCountersGaugesAndHistogramsExactly) {
  Fixture f;
  // Labels are written sorted by name, whatever order the family declares them in.
  auto requests = f.counter("demo_requests_total", "Calls with a \\ and a\nline break \"quoted\".",
                            {"service", "model"});
  auto level = f.gauge("demo_level", "A level.", {"site"});
  auto unlabelled = f.gauge("demo_plain", "No labels.", {});
  auto duration =
      f.histogram("demo_duration_seconds", "Durations.", {"service"}, {0.01, 0.25, 1, 1e21});
  auto empty = f.counter("demo_never_total", "Never used.", {"service"});

  requests.get({"svc", "back\\slash"}).Increment(3);
  requests.get({"svc", "say \"hi\""}).Increment(0.1 + 0.2);
  requests.get({"svc", "line\nbreak"}).Increment(1e20);
  requests.get({"", ""});  // empty values: a series with value 0
  level.get({"nan"}).Set(std::nan(""));
  level.get({"up"}).Set(kInf);
  level.get({"down"}).Set(-kInf);
  level.get({"neg"}).Set(-0.5);
  unlabelled.get({}).Set(42);
  auto& api = duration.get({"api"});
  api.Observe(0.005);
  api.Observe(0.3);
  api.Observe(7);
  duration.get({"idle"});

  EXPECT_EQ(f.text(),
            "# HELP demo_requests_total Calls with a \\\\ and a\\nline break \"quoted\".\n"
            "# TYPE demo_requests_total counter\n"
            "demo_requests_total{model=\"back\\\\slash\",service=\"svc\"} 3\n"
            "demo_requests_total{model=\"say \\\"hi\\\"\",service=\"svc\"} 0.3\n"
            "demo_requests_total{model=\"line\\nbreak\",service=\"svc\"} 1e+20\n"
            "demo_requests_total{model=\"\",service=\"\"} 0\n"
            "# HELP demo_level A level.\n"
            "# TYPE demo_level gauge\n"
            "demo_level{site=\"nan\"} NaN\n"
            "demo_level{site=\"up\"} +Inf\n"
            "demo_level{site=\"down\"} -Inf\n"
            "demo_level{site=\"neg\"} -0.5\n"
            "# HELP demo_plain No labels.\n"
            "# TYPE demo_plain gauge\n"
            "demo_plain 42\n"
            "# HELP demo_duration_seconds Durations.\n"
            "# TYPE demo_duration_seconds histogram\n"
            "demo_duration_seconds_count{service=\"api\"} 3\n"
            "demo_duration_seconds_sum{service=\"api\"} 7.305\n"
            "demo_duration_seconds_bucket{service=\"api\",le=\"0.01\"} 1\n"
            "demo_duration_seconds_bucket{service=\"api\",le=\"0.25\"} 1\n"
            "demo_duration_seconds_bucket{service=\"api\",le=\"1\"} 2\n"
            "demo_duration_seconds_bucket{service=\"api\",le=\"1e+21\"} 3\n"
            "demo_duration_seconds_bucket{service=\"api\",le=\"+Inf\"} 3\n"
            "demo_duration_seconds_count{service=\"idle\"} 0\n"
            "demo_duration_seconds_sum{service=\"idle\"} 0\n"
            "demo_duration_seconds_bucket{service=\"idle\",le=\"0.01\"} 0\n"
            "demo_duration_seconds_bucket{service=\"idle\",le=\"0.25\"} 0\n"
            "demo_duration_seconds_bucket{service=\"idle\",le=\"1\"} 0\n"
            "demo_duration_seconds_bucket{service=\"idle\",le=\"1e+21\"} 0\n"
            "demo_duration_seconds_bucket{service=\"idle\",le=\"+Inf\"} 0\n");
  // demo_never_total has no series: no lines at all, as a collected family has no MetricFamily.
  (void)empty;
}

TEST(DerivedExposition, LeavesOutFamiliesWhoseNameThePageHolds) {
  Fixture f;
  auto a = f.counter("demo_a_total", "A.", {"k"});
  auto b = f.counter("demo_b_total", "B.", {"k"});
  a.get({"x"}).Increment();
  b.get({"y"}).Increment(2);
  EXPECT_EQ(f.text([](std::string_view name) { return name == "demo_a_total"; }),
            "# HELP demo_b_total B.\n"
            "# TYPE demo_b_total counter\n"
            "demo_b_total{k=\"y\"} 2\n");
}

TEST(DerivedExposition, OneSeriesForInputsThatShareIt) {
  Fixture f;
  SiteRedactor redaction(f.registry, RedactionConfig{}, RedactionSite::kLabel);
  auto requests = f.counter("demo_requests_total", "Calls.", {"model"}, 3, &redaction);
  // Two keys redact alike: one series, written once.
  std::string other_key(testing::kOpenAiKey);
  other_key.back() = other_key.back() == 'x' ? 'y' : 'x';
  requests.get({testing::kOpenAiKey}).Increment();
  requests.get({other_key}).Increment();
  // A value that reads "overflow" has its own series until the limit is reached; then the
  // overflow series is that same series, written once.
  requests.get({"overflow"}).Increment(5);
  requests.get({"m2"}).Increment(4);
  EXPECT_EQ(f.text(),
            "# HELP demo_requests_total Calls.\n"
            "# TYPE demo_requests_total counter\n"
            "demo_requests_total{model=\"[REDACTED:openai_api_key]\"} 2\n"
            "demo_requests_total{model=\"overflow\"} 9\n");
}

}  // namespace
}  // namespace specwatch
