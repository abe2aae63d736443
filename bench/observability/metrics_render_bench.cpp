// GET /metrics cost with a realistic worst case: 10,000 counter series across 10 families.
// Target: Collect + Serialize under 20 ms. Also: pushed OTLP families merged in (linear).
#include <benchmark/benchmark.h>
#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <memory>
#include <string>
#include <vector>

#include "sidecar/observability/admin_endpoints.h"
#include "sidecar/observability/process_collector.h"
#include "sidecar/observability/text_exposition.h"

namespace specwatch {
namespace {

std::shared_ptr<prometheus::Registry> make_registry(int families, int series_per_family) {
  auto registry = std::make_shared<prometheus::Registry>();
  for (int f = 0; f < families; ++f) {
    auto& family = prometheus::BuildCounter()
                       .Name("specwatch_bench_family_" + std::to_string(f) + "_total")
                       .Help("Synthetic counter family for the render benchmark.")
                       .Register(*registry);
    for (int s = 0; s < series_per_family; ++s) {
      family
          .Add({{"source", "source-" + std::to_string(s % 10)},
                {"model", "model-" + std::to_string(s / 10)},
                {"status", s % 3 == 0 ? "ok" : "error"}})
          .Increment(s * 1.5);
    }
  }
  return registry;
}

void BM_RenderMetrics10kSeries(benchmark::State& state) {
  auto registry = make_registry(10, 1000);
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto text = render_metrics(*registry);
    bytes = text.size();
    benchmark::DoNotOptimize(text);
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
  state.counters["series"] = 10000;
}
BENCHMARK(BM_RenderMetrics10kSeries)->Unit(benchmark::kMillisecond);

// The two halves of the render, to see where the time goes.
void BM_Collect10kSeries(benchmark::State& state) {
  auto registry = make_registry(10, 1000);
  for (auto _ : state) {
    auto families = registry->Collect();
    benchmark::DoNotOptimize(families);
  }
}
BENCHMARK(BM_Collect10kSeries)->Unit(benchmark::kMillisecond);

// The serializer /metrics uses (sidecar/observability/text_exposition.h).
void BM_Serialize10kSeries(benchmark::State& state) {
  auto families = make_registry(10, 1000)->Collect();
  for (auto _ : state) {
    auto text = serialize_text_exposition(families);
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_Serialize10kSeries)->Unit(benchmark::kMillisecond);

// prometheus-cpp's, which /metrics used before, to compare.
void BM_Serialize10kSeriesPrometheusCpp(benchmark::State& state) {
  auto families = make_registry(10, 1000)->Collect();
  for (auto _ : state) {
    auto text = prometheus::TextSerializer().Serialize(families);
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_Serialize10kSeriesPrometheusCpp)->Unit(benchmark::kMillisecond);

void BM_RenderProcessCollector(benchmark::State& state) {
  prometheus::Registry empty;
  std::vector<std::shared_ptr<const prometheus::Collectable>> extra{
      std::make_shared<ProcessCollector>()};
  for (auto _ : state) {
    auto text = render_metrics(empty, extra);
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_RenderProcessCollector)->Unit(benchmark::kMicrosecond);

// Pushed OTLP metrics arrive as one extra collectable with one family per metric name; each is
// merged with the registry's families by name (a pushed family replaces a registry family of the
// same name). A few hundred registry families and range(0) pushed ones, one gauge series each.
class PushedFamilies final : public prometheus::Collectable {
 public:
  explicit PushedFamilies(int count) {
    families_.reserve(static_cast<std::size_t>(count));
    for (int f = 0; f < count; ++f) {
      prometheus::MetricFamily family;
      family.name = "pushed_metric_" + std::to_string(f);
      family.help = "Pushed over OTLP.";
      family.type = prometheus::MetricType::Gauge;
      prometheus::ClientMetric metric;
      metric.label.push_back({"service_name", "svc"});
      metric.gauge.value = f;
      family.metric.push_back(std::move(metric));
      families_.push_back(std::move(family));
    }
  }
  std::vector<prometheus::MetricFamily> Collect() const override { return families_; }

 private:
  std::vector<prometheus::MetricFamily> families_;
};

void BM_RenderPushedFamilies(benchmark::State& state) {
  auto registry = make_registry(300, 1);
  const auto pushed = static_cast<int>(state.range(0));
  std::vector<std::shared_ptr<const prometheus::Collectable>> extra{
      std::make_shared<PushedFamilies>(pushed)};
  for (auto _ : state) {
    auto text = render_metrics(*registry, extra);
    benchmark::DoNotOptimize(text);
  }
  state.counters["pushed_families"] = pushed;
}
BENCHMARK(BM_RenderPushedFamilies)->Arg(10000)->Arg(50000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace specwatch

BENCHMARK_MAIN();
