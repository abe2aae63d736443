// The registry scrape writes what Prometheus would scrape from /metrics: histogram series, the
// target labels, exported_ for clashing labels, stale markers for vanished series.
#include "sidecar/rules/registry_scrape.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include "sidecar/rules/in_memory_series_source.h"

namespace specwatch::rules {
namespace {

std::vector<std::string> dump(const InMemorySeriesSource& store, Timestamp at) {
  std::vector<std::string> out;
  store.select({LabelMatcher(MatchType::kRegexMatch, "__name__", ".+")}, at, at,
               [&](const Labels& labels, std::span<const Sample> samples) {
                 out.push_back(labels.to_string() + " " +
                               (is_stale_nan(samples[0].v) ? std::string("stale")
                                                           : std::to_string(samples[0].v)));
               });
  return out;
}

TEST(RegistryScrape, WritesSeriesAsAScrapeOfMetricsWould) {
  prometheus::Registry registry;
  auto& counters = prometheus::BuildCounter().Name("c_total").Help("c").Register(registry);
  counters.Add({{"job", "mine"}, {"k", "v"}}).Increment(2);
  auto& histograms = prometheus::BuildHistogram().Name("h_seconds").Help("h").Register(registry);
  histograms.Add({}, prometheus::Histogram::BucketBoundaries{0.1, 1}).Observe(0.5);
  RegistryScrape scrape(Labels(std::vector<Label>{{"instance", "i:1"}, {"job", "specwatch"}}));
  InMemorySeriesSource store;
  EXPECT_EQ(scrape.scrape(registry.Collect(), 1000, store), 6u);
  EXPECT_EQ(
      dump(store, 1000),
      (std::vector<std::string>{
          R"({__name__="c_total", exported_job="mine", instance="i:1", job="specwatch", k="v"} 2.000000)",
          R"({__name__="h_seconds_bucket", instance="i:1", job="specwatch", le="+Inf"} 1.000000)",
          R"({__name__="h_seconds_bucket", instance="i:1", job="specwatch", le="0.1"} 0.000000)",
          R"({__name__="h_seconds_bucket", instance="i:1", job="specwatch", le="1"} 1.000000)",
          R"({__name__="h_seconds_count", instance="i:1", job="specwatch"} 1.000000)",
          R"({__name__="h_seconds_sum", instance="i:1", job="specwatch"} 0.500000)"}));
  EXPECT_TRUE(scrape.names().contains("h_seconds_bucket"));
  EXPECT_TRUE(scrape.names().contains("c_total"));

  // A series that is no longer collected gets a stale marker, once.
  counters.Remove(&counters.Add({{"job", "mine"}, {"k", "v"}}));
  scrape.scrape(registry.Collect(), 2000, store);
  std::vector<std::string> after = dump(store, 2000);
  ASSERT_EQ(after.size(), 6u);
  EXPECT_EQ(
      after[0],
      R"({__name__="c_total", exported_job="mine", instance="i:1", job="specwatch", k="v"} stale)");
  scrape.scrape(registry.Collect(), 3000, store);
  EXPECT_EQ(dump(store, 3000).size(), 5u);
}

TEST(RegistryScrape, KnowsFamiliesWithoutSeries) {
  prometheus::Registry registry;
  prometheus::BuildCounter().Name("empty_total").Help("e").Register(registry);
  prometheus::BuildHistogram().Name("lat_seconds").Help("l").Register(registry);
  EXPECT_TRUE(registry_has_family(registry, "empty_total"));
  EXPECT_TRUE(registry_has_family(registry, "lat_seconds_bucket"));
  EXPECT_TRUE(registry_has_family(registry, "lat_seconds_count"));
  EXPECT_FALSE(registry_has_family(registry, "up"));
  EXPECT_FALSE(registry_has_family(registry, "up"));  // the probe left nothing behind
  EXPECT_EQ(registry.Collect().size(), 0u);
}

}  // namespace
}  // namespace specwatch::rules
