// The sample store: selection, retention, the samples bound, and downsampling beyond an hour
// within its stated error bound.
#include "sidecar/rules/sample_store.h"

#include <gtest/gtest.h>

#include "sidecar/rules/promql_evaluator.h"
#include "sidecar/rules/promql_parser.h"

namespace specwatch::rules {
namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;

Labels series(const std::string& name, const std::string& source = "a") {
  return Labels(std::vector<Label>{{"__name__", name}, {"source", source}});
}

std::vector<Sample> selected(const SampleStore& store, const std::string& name, Timestamp mint,
                             Timestamp maxt) {
  std::vector<Sample> out;
  store.select({LabelMatcher(MatchType::kEqual, "__name__", name)}, mint, maxt,
               [&](const Labels&, std::span<const Sample> samples) {
                 out.insert(out.end(), samples.begin(), samples.end());
               });
  return out;
}

double instant(const SampleStore& store, const std::string& query, Timestamp at) {
  ParsedExpr parsed = parse_promql(query);
  EXPECT_TRUE(parsed.ok()) << parsed.error;
  QueryResult result = evaluate_instant(*parsed.expr, store, at);
  EXPECT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.vector.size(), 1u);
  return result.vector.empty() ? -1 : result.vector[0].v;
}

TEST(SampleStore, SelectsByMatchersInLabelOrderAndDropsOutOfOrderSamples) {
  SampleStore store(SampleStoreLimits{});
  store.append(series("m", "b"), 1000, 1);
  store.append(series("m", "a"), 1000, 2);
  store.append(series("m", "a"), 1000, 3);  // same time: dropped
  store.append(series("m", "a"), 500, 4);   // older: dropped
  store.append(series("other"), 1000, 5);
  std::vector<std::string> sources;
  store.select({LabelMatcher(MatchType::kRegexMatch, "source", "a|b")}, 0, 2000,
               [&](const Labels& labels, std::span<const Sample> samples) {
                 sources.push_back(labels.to_string() + "=" + std::to_string(samples[0].v));
               });
  EXPECT_EQ(sources, (std::vector<std::string>{"{__name__=\"m\", source=\"a\"}=2.000000",
                                               "{__name__=\"m\", source=\"b\"}=1.000000",
                                               "{__name__=\"other\", source=\"a\"}=5.000000"}));
  EXPECT_EQ(store.sample_count(), 3u);
  EXPECT_EQ(store.series_count(), 3u);
}

TEST(SampleStore, RefusesAndCountsSamplesBeyondTheBound) {
  SampleStoreLimits limits;
  limits.max_samples = 10;
  SampleStore store(limits);
  for (int i = 0; i < 25; ++i) store.append(series("m", std::to_string(i % 5)), i * kSecond, i);
  EXPECT_EQ(store.sample_count(), 10u);
  EXPECT_EQ(store.refused_total(), 15u);
  // Room comes back once compaction drops what is beyond the retention.
  limits.retention_ms = 20 * kSecond;
  store.set_limits(limits);
  store.compact(30 * kSecond);  // keeps t >= 10 s: none of the ten stored (0 to 9 s)
  EXPECT_EQ(store.sample_count(), 0u);
  EXPECT_EQ(store.series_count(), 0u);
  store.append(series("m"), 31 * kSecond, 1);
  EXPECT_EQ(store.sample_count(), 1u);
  EXPECT_EQ(store.refused_total(), 15u);
}

TEST(SampleStore, KeepsTheLastHourWhole_AndOneSamplePerMinuteBeyond) {
  SampleStore store(SampleStoreLimits{});
  const int64_t step = 15 * kSecond;
  const int64_t end = 3 * kHour;
  for (int64_t t = 0; t <= end; t += step) store.append(series("c_total"), t, t / kSecond);
  store.compact(end);
  // The last hour at 15 s; before it, one sample per minute: the last of each minute (45 s).
  std::vector<Sample> recent = selected(store, "c_total", end - kHour, end);
  EXPECT_EQ(recent.size(), 241u);
  std::vector<Sample> old = selected(store, "c_total", 0, end - kHour - 1);
  EXPECT_EQ(old.size(), 120u);
  for (const Sample& s : old) EXPECT_EQ(s.t % kMinute, 45 * kSecond) << s.t;
  // Compacting again changes nothing, and a later compaction thins only what crossed the hour.
  store.compact(end);
  EXPECT_EQ(store.sample_count(), 361u);
  for (int64_t t = end + step; t <= end + 10 * kMinute; t += step)
    store.append(series("c_total"), t, t / kSecond);
  store.compact(end + 10 * kMinute);
  EXPECT_EQ(selected(store, "c_total", 0, end + 10 * kMinute - kHour - 1).size(), 130u);
}

// docs/RULES.md states the bound: a window reaching beyond the full-resolution hour sees its
// first sample at most one downsampling step (60 s) later, so increase() over it misses at most
// the counter's growth over one step (here 60 of 86,400 per day, 0.07 %); inside the hour
// results are exact.
TEST(SampleStore, IncreaseOverADayStaysWithinOneStepOfFullResolution) {
  SampleStore thinned(SampleStoreLimits{});
  SampleStoreLimits full_limits;
  full_limits.full_resolution_ms = 2 * 24 * kHour;
  SampleStore full(full_limits);
  const int64_t step = 15 * kSecond;
  const int64_t end = 25 * kHour;
  for (int64_t t = 0; t <= end; t += step) {
    // A counter that grows by 1 per second, resets once 20 hours ago.
    double v = t < 5 * kHour ? t / kSecond : (t - 5 * kHour) / kSecond;
    thinned.append(series("c_total"), t, v);
    full.append(series("c_total"), t, v);
  }
  thinned.compact(end);
  full.compact(end);
  const double exact = instant(full, "increase(c_total[1d])", end);
  const double approximate = instant(thinned, "increase(c_total[1d])", end);
  EXPECT_NEAR(approximate, exact, 60.0);
  // Within the hour: identical.
  EXPECT_EQ(instant(thinned, "increase(c_total[30m])", end),
            instant(full, "increase(c_total[30m])", end));
  EXPECT_EQ(instant(thinned, "rate(c_total[5m])", end), 1.0);
}

}  // namespace
}  // namespace specwatch::rules
