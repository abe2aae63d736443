// The derived metrics as /metrics serves them: every family DerivedMetrics registers (counters,
// gauges and histograms of all four tools' profiles), with label values taken from the events,
// collected and serialized, and written straight from their series (DerivedMetrics::exposition()).
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sidecar/derive/derived_metrics.h"
#include "sidecar/observability/metrics_page.h"
#include "sidecar/observability/text_exposition.h"
#include "tests/unit/observability/derived_events.h"
#include "tests/unit/observability/reference_exposition.h"

namespace specwatch {
namespace {

using testing::record_a_bit_of_everything;

TEST(TextExpositionOfDerivedMetrics, AsPrometheusCppWritesThem) {
  prometheus::Registry registry;
  Logger logger(LogLevel::kError, [](std::string_view) {});
  DerivedMetrics metrics(registry, PricingTable::bundled(), DeriveLimits{}, logger);
  record_a_bit_of_everything(metrics);

  const auto families = registry.Collect();
  const std::string text = serialize_text_exposition(families);
  EXPECT_EQ(text, testing::reference_exposition(families));
  // The comparison covers histograms and escaped label values, not an empty page.
  EXPECT_NE(text.find("_bucket{"), std::string::npos);
  EXPECT_NE(text.find("line\\nbreak"), std::string::npos);
  EXPECT_GT(text.size(), 50000u);
}

// A page with the order of its families and of the series within a family set aside (neither is
// specified: prometheus-cpp collects by type, then in the hash order of each family's series):
// each family's lines, sorted, the families sorted.
std::vector<std::vector<std::string>> families_of(const std::string& text) {
  std::vector<std::vector<std::string>> families;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("# HELP ") || families.empty()) families.emplace_back();
    families.back().push_back(line);
  }
  for (auto& lines : families) std::sort(lines.begin(), lines.end());
  std::sort(families.begin(), families.end());
  return families;
}

struct Derived {
  Derived() : metrics(registry, series_registry, PricingTable::bundled(), DeriveLimits{}, logger) {
    record_a_bit_of_everything(metrics);
  }
  prometheus::Registry registry;
  prometheus::Registry series_registry;
  Logger logger{LogLevel::kError, [](std::string_view) {}};
  DerivedMetrics metrics;
};

TEST(TextExpositionOfDerivedMetrics, WrittenFromTheirSeriesAsCollected) {
  Derived derived;
  const std::string page = render_metrics(derived.registry, {}, {&derived.metrics.exposition()});
  auto collected = derived.registry.Collect();
  for (auto& family : derived.series_registry.Collect()) collected.push_back(std::move(family));
  const std::string expected = serialize_text_exposition(collected);
  EXPECT_EQ(families_of(page), families_of(expected));
  EXPECT_EQ(page.size(), expected.size());
  // The families of all four tools that have series here: not a comparison of empty pages.
  EXPECT_EQ(derived.series_registry.Collect().size(), 28u);
  EXPECT_NE(page.find("_bucket{"), std::string::npos);
  EXPECT_NE(page.find("model=\"line\\nbreak\""), std::string::npos);
}

TEST(TextExpositionOfDerivedMetrics, OneRegistryPageHoldsEachFamilyOnce) {
  // Tests and `pricing check` keep the derived families in the one registry: listing the
  // exposition too adds nothing, since the page holds every one of its names already.
  prometheus::Registry registry;
  Logger logger(LogLevel::kError, [](std::string_view) {});
  DerivedMetrics metrics(registry, PricingTable::bundled(), DeriveLimits{}, logger);
  record_a_bit_of_everything(metrics);
  EXPECT_EQ(render_metrics(registry, {}, {&metrics.exposition()}),
            serialize_text_exposition(registry.Collect()));
}

// A pushed OTLP family under a derived family's name.
class PushedFamily : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    prometheus::MetricFamily family;
    family.name = "specular_provider_latency_seconds";
    family.help = "Pushed.";
    family.type = prometheus::MetricType::Gauge;
    prometheus::ClientMetric metric;
    metric.gauge.value = 1.5;
    family.metric.push_back(metric);
    return {family};
  }
};

TEST(TextExpositionOfDerivedMetrics, APushedFamilyReplacesTheDerivedOne) {
  Derived derived;
  const std::vector<std::shared_ptr<const prometheus::Collectable>> extra{
      std::make_shared<PushedFamily>()};
  const std::string page = render_metrics(derived.registry, extra, {&derived.metrics.exposition()});
  const std::string name = "specular_provider_latency_seconds";
  EXPECT_NE(render_metrics(derived.registry, {}, {&derived.metrics.exposition()})
                .find("# TYPE " + name + " histogram\n"),
            std::string::npos);
  EXPECT_EQ(page.find("# TYPE " + name + " histogram"), std::string::npos);
  EXPECT_NE(page.find("# HELP " + name + " Pushed.\n# TYPE " + name + " gauge\n" + name + " 1.5\n"),
            std::string::npos);
  EXPECT_EQ(page.find(name + "_bucket"), std::string::npos);
}

}  // namespace
}  // namespace specwatch
