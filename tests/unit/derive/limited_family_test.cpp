#include "sidecar/derive/limited_family.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace specwatch {
namespace {

std::string render(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

std::vector<std::string> sample_lines(const std::string& text, const std::string& metric) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(metric + "{", 0) == 0 || line.rfind(metric + " ", 0) == 0) out.push_back(line);
  }
  std::sort(out.begin(), out.end());  // series order in a family is not specified
  return out;
}

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

struct Fixture {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& overflow = prometheus::BuildCounter()
                                                          .Name("specwatch_series_overflow_total")
                                                          .Help("h")
                                                          .Register(registry);
  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter().Name("requests_total").Help("h").Register(registry);
};

TEST(LimitedFamily, ReusesSeriesAndFoldsPastTheLimit) {
  Fixture f;
  LimitedCounter counter(f.requests, "requests_total", {"model", "service"}, 2, f.overflow);
  counter.get({"a", "s"}).Increment();
  counter.get({"a", "s"}).Increment(2);
  counter.get({"b", "s"}).Increment();
  EXPECT_EQ(&counter.get({"a", "s"}), &counter.get({"a", "s"}));
  counter.get({"c", "s"}).Increment(5);
  counter.get({"d", "s"}).Increment(1);
  counter.get({"a", "s"}).Increment();  // existing series still counted on their own
  EXPECT_EQ(counter.size(), 2u);
  EXPECT_TRUE(counter.overflowed());
  const std::string text = render(f.registry);
  EXPECT_EQ(
      sample_lines(text, "requests_total"),
      (std::vector<std::string>{"requests_total{model=\"a\",service=\"s\"} 4",
                                "requests_total{model=\"b\",service=\"s\"} 1",
                                "requests_total{model=\"overflow\",service=\"overflow\"} 6"}));
  EXPECT_EQ(
      sample_lines(text, "specwatch_series_overflow_total"),
      (std::vector<std::string>{"specwatch_series_overflow_total{metric=\"requests_total\"} 2"}));
}

TEST(LimitedFamily, LabelValuesDoNotRunTogether) {
  Fixture f;
  LimitedCounter counter(f.requests, "requests_total", {"x", "y"}, 10, f.overflow);
  counter.get({"ab", "c"}).Increment();
  counter.get({"a", "bc"}).Increment();
  EXPECT_EQ(counter.size(), 2u);
}

// get() remembers the last series it returned; repeated and near-identical label values must
// still find their own series, and every folded observation must still be counted.
TEST(LimitedFamily, LastSeriesShortcutKeepsSeriesApartAndCountsEveryFold) {
  Fixture f;
  LimitedCounter counter(f.requests, "requests_total", {"x", "y"}, 3, f.overflow);
  counter.get({"a", "b"}).Increment();
  counter.get({"a", "b"}).Increment();
  counter.get({"a", "bc"}).Increment();
  counter.get({"a", "b"}).Increment();
  counter.get({"ab", ""}).Increment();
  counter.get({"z", "z"}).Increment();  // folded
  counter.get({"z", "z"}).Increment();  // folded again: counted again
  counter.get({"ab", ""}).Increment();
  EXPECT_EQ(counter.size(), 3u);
  const std::string text = render(f.registry);
  EXPECT_EQ(
      sample_lines(text, "requests_total"),
      (std::vector<std::string>{
          "requests_total{x=\"a\",y=\"b\"} 3", "requests_total{x=\"a\",y=\"bc\"} 1",
          "requests_total{x=\"ab\",y=\"\"} 2", "requests_total{x=\"overflow\",y=\"overflow\"} 2"}));
  EXPECT_EQ(
      sample_lines(text, "specwatch_series_overflow_total"),
      (std::vector<std::string>{"specwatch_series_overflow_total{metric=\"requests_total\"} 2"}));
}

// Series found in turn, more of them than the eight remembered (entries replaced while others
// are still hit), each with its own exact count; folds past the limit all counted.
TEST(LimitedFamily, RecentSeriesInTurnKeepTheirOwnCounts) {
  Fixture f;
  LimitedCounter counter(f.requests, "requests_total", {"x", "y"}, 11, f.overflow);
  for (int round = 0; round < 5; ++round) {
    for (int m = 0; m < 12; ++m) {  // m = 11 is past the limit of 11 series
      for (int k = 0; k <= m % 3; ++k) {
        counter.get({"svc", "model-" + std::to_string(m)}).Increment();
      }
    }
  }
  EXPECT_EQ(counter.size(), 11u);
  std::vector<std::string> expected;
  for (int m = 0; m < 11; ++m) {
    expected.push_back("requests_total{x=\"svc\",y=\"model-" + std::to_string(m) + "\"} " +
                       std::to_string(5 * (m % 3 + 1)));
  }
  expected.push_back("requests_total{x=\"overflow\",y=\"overflow\"} 15");
  std::sort(expected.begin(), expected.end());
  const std::string text = render(f.registry);
  EXPECT_EQ(sample_lines(text, "requests_total"), expected);
  EXPECT_EQ(
      sample_lines(text, "specwatch_series_overflow_total"),
      (std::vector<std::string>{"specwatch_series_overflow_total{metric=\"requests_total\"} 15"}));
}

TEST(LimitedFamily, HistogramsUseTheirBuckets) {
  prometheus::Registry registry;
  auto& overflow = prometheus::BuildCounter().Name("o_total").Help("h").Register(registry);
  auto& family = prometheus::BuildHistogram().Name("d_seconds").Help("h").Register(registry);
  LimitedHistogram histogram(family, "d_seconds", {"k"}, 5, overflow, {1.0, 2.0});
  histogram.get({"v"}).Observe(1.5);
  EXPECT_EQ(sample_lines(render(registry), "d_seconds_bucket"),
            (std::vector<std::string>{"d_seconds_bucket{k=\"v\",le=\"+Inf\"} 1",
                                      "d_seconds_bucket{k=\"v\",le=\"1\"} 0",
                                      "d_seconds_bucket{k=\"v\",le=\"2\"} 1"}));
}

TEST(LimitedFamily, AMillionDistinctLabelValuesStayBounded) {
  Fixture f;
  const std::size_t before = resident_bytes();
  LimitedCounter counter(f.requests, "requests_total", {"model"}, kDefaultMaxSeriesPerMetric,
                         f.overflow);
  std::string model;
  for (int i = 0; i < 1000000; ++i) {
    model = "model-";
    model += std::to_string(i);
    counter.get({model}).Increment();
  }
  const std::size_t growth = resident_bytes() - std::min(before, resident_bytes());
  EXPECT_EQ(counter.size(), 2000u);
  const std::string text = render(f.registry);
  EXPECT_EQ(sample_lines(text, "requests_total").size(), 2001u);
  EXPECT_EQ(sample_lines(text, "specwatch_series_overflow_total"),
            (std::vector<std::string>{
                "specwatch_series_overflow_total{metric=\"requests_total\"} 998000"}));
  const auto lines = sample_lines(text, "requests_total");
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "requests_total{model=\"overflow\"} 998000"), 1);
  RecordProperty("rss_growth_bytes", std::to_string(growth));
  EXPECT_LT(growth, 64u * 1024 * 1024) << growth;
}

}  // namespace
}  // namespace specwatch
