// The daemon's sample store (sidecar/rules/sample_store.h): the same 1,000-rule cycle over it,
// and its memory for a day of 15 s samples as the daemon keeps them (the last hour whole, one
// sample per minute before), per stored sample and per series.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <string>

#include "sidecar/rules/rule_group.h"
#include "sidecar/rules/sample_store.h"

namespace specwatch::rules {
namespace {

constexpr int64_t kStep = 15000;
constexpr int kSeries = 1000;
constexpr int kDaySteps = 24 * 60 * 60 / 15;

size_t heap_in_use() {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

Labels series_labels(int s) {
  return Labels(
      std::vector<Label>{{"__name__", "bench_metric_" + std::to_string(s % 100) + "_total"},
                         {"job", "specwatch"},
                         {"service", "svc" + std::to_string(s % 10)},
                         {"instance", "10.0.0." + std::to_string(s / 10) + ":9464"}});
}

// A day of samples appended as the daemon appends them, compacted once a minute.
void fill_day(SampleStore& store, int steps) {
  std::vector<Labels> labels;
  for (int s = 0; s < kSeries; ++s) labels.push_back(series_labels(s));
  for (int i = 0; i < steps; ++i) {
    for (int s = 0; s < kSeries; ++s) store.append(labels[s], i * kStep, i * (s + 1.0));
    if (i % 4 == 3) store.compact(i * kStep);
  }
  store.compact((steps - 1) * kStep);
}

void BM_SampleStoreMemory(benchmark::State& state) {
  SampleStoreLimits limits;
  limits.max_samples = 100'000'000;
  for (auto _ : state) {
    size_t base = heap_in_use();
    double one_sample;
    {
      SampleStore store(limits);
      fill_day(store, 1);
      one_sample = static_cast<double>(heap_in_use() - base);
    }
    base = heap_in_use();
    SampleStore store(limits);
    fill_day(store, kDaySteps);
    auto day = static_cast<double>(heap_in_use() - base);
    const double kept = static_cast<double>(store.sample_count());
    state.counters["samples_kept_per_series"] = kept / kSeries;
    state.counters["bytes_per_series"] = one_sample / kSeries;
    state.counters["bytes_per_sample"] = (day - one_sample) / (kept - kSeries);
    state.counters["bytes_per_series_day"] = day / kSeries;
  }
}
BENCHMARK(BM_SampleStoreMemory)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace specwatch::rules

BENCHMARK_MAIN();
