// Rule evaluation cost: 1,000 rules (recording and alerting, the shapes of alerts/*.rules.yml)
// over 10,000 series, one evaluation cycle per iteration; and the in-memory store's memory per
// series and per sample.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <memory>
#include <string>

#include "sidecar/rules/in_memory_series_source.h"
#include "sidecar/rules/rule_group.h"

namespace specwatch::rules {
namespace {

constexpr int kMetrics = 100;          // metric names
constexpr int kSeriesPerMetric = 100;  // 10,000 series
constexpr int kRules = 1000;
constexpr int64_t kStep = 15000;
constexpr int kHistory = 40;  // 10 minutes of 15s samples

void fill(InMemorySeriesSource& store) {
  for (int m = 0; m < kMetrics; ++m) {
    for (int s = 0; s < kSeriesPerMetric; ++s) {
      // job and instance as a scrape attaches them, service as the sidecar's metrics carry it.
      Labels labels(std::vector<Label>{{"__name__", "bench_metric_" + std::to_string(m) + "_total"},
                                       {"job", "specwatch"},
                                       {"service", "svc" + std::to_string(s % 10)},
                                       {"instance", "10.0.0." + std::to_string(s / 10) + ":9464"}});
      for (int i = 0; i < kHistory; ++i)
        store.append(labels, i * kStep, static_cast<double>(i * (s + 1)));
    }
  }
}

std::string rules_yaml() {
  std::string y = "groups:\n  - name: bench\n    rules:\n";
  for (int r = 0; r < kRules; ++r) {
    std::string metric = "bench_metric_" + std::to_string(r % kMetrics) + "_total";
    switch (r % 4) {
      case 0:
        y += "      - record: service:" + metric + ":rate5m_" + std::to_string(r) +
             "\n        expr: sum by (service) (rate(" + metric + "[5m]))\n";
        break;
      case 1:
        y += "      - alert: A" + std::to_string(r) +
             "\n        expr: sum by (service) (increase(" + metric +
             "[5m])) > 1000\n        for: 5m\n        annotations:\n          d: '{{ "
             "$labels.service }} {{ $value | "
             "humanize }}'\n";
        break;
      case 2:
        y += "      - record: instance:" + metric + ":ratio_" + std::to_string(r) +
             "\n        expr: sum by (instance) (rate(" + metric +
             "{service=\"svc1\"}[5m])) / sum by (instance) (rate(" + metric + "[5m]))\n";
        break;
      default:
        y += "      - alert: B" + std::to_string(r) + "\n        expr: max by (service) (" +
             metric + ") > 100\n";
    }
  }
  return y;
}

// Not inlined so that callgrind can count the instructions of the measured cycles alone:
// --toggle-collect='*measured_cycle*'.
[[gnu::noinline]] size_t measured_cycle(RuleGroup& group, Timestamp now,
                                        const InMemorySeriesSource& store,
                                        InMemorySeriesSource& output) {
  return group.eval(now, store, output).samples.size();
}

void BM_RuleCycle1000Rules10kSeries(benchmark::State& state) {
  InMemorySeriesSource store;
  fill(store);
  RuleFileResult loaded = parse_rule_file(rules_yaml(), "bench.yml");
  if (!loaded.ok()) {
    state.SkipWithError(loaded.errors[0].c_str());
    return;
  }
  RuleGroup group(std::move(loaded.groups[0]), AlertingContext{});
  // Results go to a separate store so every cycle reads the same input.
  InMemorySeriesSource output;
  int64_t now = (kHistory - 1) * kStep;
  // One cycle first: the steady state has the output series and the alerts already created, as a
  // group that runs every interval has after its first evaluation.
  size_t samples = group.eval(now++, store, output).samples.size();
  for (auto _ : state) {
    samples = measured_cycle(group, now, store, output);
    now += 1;  // keep appends in time order
  }
  state.counters["rules"] = kRules;
  state.counters["series"] = static_cast<double>(store.series_count());
  state.counters["samples_out"] = static_cast<double>(samples);
}
BENCHMARK(BM_RuleCycle1000Rules10kSeries)->Unit(benchmark::kMillisecond);

// Memory of the in-memory store, measured with mallinfo2 (bytes handed out by malloc, so vector
// growth slack, label strings, the hash and name indexes and allocator headers all count):
// 1,000 series of 1 day at 15 s (5,760 samples each) against the same series with one sample.
constexpr int kMemorySeries = 1000;
constexpr int kSamplesPerDay = 24 * 60 * 60 / 15;

// Bytes in use from the heap plus blocks malloc took with mmap (vectors of 128 KiB and more).
size_t heap_in_use() {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

void fill_for_memory(InMemorySeriesSource& store, int samples_per_series) {
  for (int s = 0; s < kMemorySeries; ++s) {
    Labels labels(
        std::vector<Label>{{"__name__", "bench_metric_" + std::to_string(s % 100) + "_total"},
                           {"job", "specwatch"},
                           {"service", "svc" + std::to_string(s % 10)},
                           {"instance", "10.0.0." + std::to_string(s / 10) + ":9464"}});
    for (int i = 0; i < samples_per_series; ++i) {
      store.append(labels, i * kStep, static_cast<double>(i * (s + 1)));
    }
  }
}

void BM_InMemoryStoreMemory(benchmark::State& state) {
  double per_series = 0;
  double per_sample = 0;
  for (auto _ : state) {
    size_t base = heap_in_use();
    double one_sample;
    {
      InMemorySeriesSource store;
      fill_for_memory(store, 1);
      one_sample = static_cast<double>(heap_in_use() - base);
    }
    base = heap_in_use();
    InMemorySeriesSource store;
    fill_for_memory(store, kSamplesPerDay);
    auto full_day = static_cast<double>(heap_in_use() - base);
    per_series = one_sample / kMemorySeries;  // labels, indexes and a one-sample vector
    per_sample =
        (full_day - one_sample) / (static_cast<double>(kMemorySeries) * (kSamplesPerDay - 1));
    benchmark::DoNotOptimize(store.sample_count());
  }
  state.counters["series"] = kMemorySeries;
  state.counters["samples_per_series"] = kSamplesPerDay;
  state.counters["bytes_per_series"] = per_series;
  state.counters["bytes_per_sample"] = per_sample;
  state.counters["sample_bytes_min"] = static_cast<double>(sizeof(Sample));
}
BENCHMARK(BM_InMemoryStoreMemory)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace specwatch::rules

BENCHMARK_MAIN();
