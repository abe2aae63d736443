// GET /metrics with 10,000 derived series: 2,500 models × (requests, input tokens, output
// tokens, cost); the ..._with_histograms runs add a duration to the calls of 500 of the models,
// i.e. 500 histogram series of 17 lines each (14 bounds, +Inf, _sum, _count). `direct` is what
// /metrics does: the page of metrics_page.h, the derived families written straight from their
// series (DerivedMetrics::exposition()). To compare: collecting the registry and serializing the
// copies with the project's serializer (what /metrics did before) or prometheus-cpp's.
#include <benchmark/benchmark.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <string>

#include "sidecar/derive/derived_metrics.h"
#include "sidecar/observability/metrics_page.h"
#include "sidecar/observability/text_exposition.h"

namespace specwatch {
namespace {

// Owns the registries together with the DerivedMetrics that registered its families: with
// `own_series_registry`, the derived families are in `series_registry` as in the daemon, else in
// `registry` with everything else.
struct DerivedSeries {
  explicit DerivedSeries(int models_with_duration = 0, bool own_series_registry = false)
      : metrics(registry, own_series_registry ? series_registry : registry, prices(), limits(),
                logger) {
    for (int i = 0; i < 2500; ++i) {
      CanonicalEvent e;
      e.service = "svc";
      LlmCall call;
      call.provider = "p";
      call.model = "model-" + std::to_string(i);
      call.operation = "chat";
      call.input_tokens = 1000;
      call.output_tokens = 100;
      if (i < models_with_duration) call.duration_seconds = 0.37 * (i % 20);
      e.body = std::move(call);
      metrics.record(e, Tool::kNone);
    }
  }

  static PricingTable prices() {
    PricingTable table;
    table.add({ModelPrice{"p", "*", {1e-6, 2e-6, 1e-6, 1e-6, 2e-6}, {}, true, "", ""}});
    return table;
  }
  static DeriveLimits limits() {
    DeriveLimits limits;
    limits.max_series_per_metric = 20000;
    return limits;
  }

  prometheus::Registry registry;
  prometheus::Registry series_registry;
  Logger logger{LogLevel::kError, [](std::string_view) {}};
  DerivedMetrics metrics;
};

std::string project_serializer(const std::vector<prometheus::MetricFamily>& families) {
  return serialize_text_exposition(families);
}

std::string prometheus_cpp_serializer(const std::vector<prometheus::MetricFamily>& families) {
  return prometheus::TextSerializer().Serialize(families);
}

using Serializer = std::string (*)(const std::vector<prometheus::MetricFamily>&);

// Collect + serialize, as a scrape does.
void BM_RenderMetrics10kSeries(benchmark::State& state, Serializer serialize,
                               int models_with_duration) {
  DerivedSeries series(models_with_duration);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = serialize(series.registry.Collect());
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
// What /metrics does: the registry collected (here: the series overflow and redaction families),
// the derived families written from their series; the page reserved at the last page's size.
void BM_RenderMetrics10kSeriesDirect(benchmark::State& state, int models_with_duration) {
  DerivedSeries series(models_with_duration, /*own_series_registry=*/true);
  const std::vector<std::shared_ptr<const prometheus::Collectable>> extra;
  const std::vector<const TextExposable*> direct{&series.metrics.exposition()};
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text;
    text.reserve(bytes + bytes / 16);
    append_metrics_page(text, {series.registry, extra, direct});
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK_CAPTURE(BM_RenderMetrics10kSeriesDirect, direct, 0)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RenderMetrics10kSeriesDirect, direct_with_histograms, 500)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RenderMetrics10kSeries, project, project_serializer, 0)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RenderMetrics10kSeries, prometheus_cpp, prometheus_cpp_serializer, 0)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RenderMetrics10kSeries, project_with_histograms, project_serializer, 500)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_RenderMetrics10kSeries, prometheus_cpp_with_histograms,
                  prometheus_cpp_serializer, 500)
    ->Unit(benchmark::kMillisecond);

// Serialize only, of one collection.
void BM_SerializeDerived10kSeries(benchmark::State& state, Serializer serialize) {
  DerivedSeries series;
  const auto families = series.registry.Collect();
  for (auto _ : state) {
    const std::string text = serialize(families);
    benchmark::DoNotOptimize(text.data());
  }
}
BENCHMARK_CAPTURE(BM_SerializeDerived10kSeries, project, project_serializer)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SerializeDerived10kSeries, prometheus_cpp, prometheus_cpp_serializer)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace specwatch
