// Elasticsearch bulk encoding (exporters/elasticsearch): events → `_bulk` NDJSON body, exactly as
// the exporter does it (bulk_workload.h). Target: >= 200 MB/s of body before compression.
// bytes_per_second is the uncompressed body; BM_ElasticsearchBulkGzip adds the exporter's gzip
// (level 1) and reports the same uncompressed bytes, so the two rates compare directly.
//
//   taskset -c 0 build-bench/bench/exporters/bench_elasticsearch_bulk --benchmark_repetitions=5
//
// Llm: W1-LLM's llm_call events; Log: W1's log_record events (bulk_workload.h). Arguments: redact
// (0 off, 1 on: the built-in default patterns, the exporter's default), original (0: without
// event.original, the default; 1: the raw record as event.original).
#include <benchmark/benchmark.h>

#include "bulk_workload.h"

namespace specwatch::bench {
namespace {

const NormalizedBatch& batch_of(Workload workload) {
  static const NormalizedBatch llm = make_batch(Workload::kLlm);
  static const NormalizedBatch log = make_batch(Workload::kLog);
  return workload == Workload::kLlm ? llm : log;
}

void run(benchmark::State& state, Workload workload, bool gzip) {
  const EventBatch batch = batch_of(workload).batch();
  BulkPath path(state.range(0) != 0, state.range(1) != 0);
  std::size_t bytes = 0;
  std::size_t compressed = 0;
  for (auto _ : state) {
    bytes += encode_batches(path, batch, 1, gzip, compressed);
    benchmark::DoNotOptimize(path.body().data());
  }
  const auto events =
      static_cast<double>(state.iterations()) * static_cast<double>(batch.events.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["events/s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["body_bytes/event"] = static_cast<double>(bytes) / events;
  if (gzip) {
    state.counters["gzip_ratio"] = static_cast<double>(compressed) / static_cast<double>(bytes);
  }
}

void BM_ElasticsearchBulkLlm(benchmark::State& state) {
  run(state, Workload::kLlm, false);
}
void BM_ElasticsearchBulkLog(benchmark::State& state) {
  run(state, Workload::kLog, false);
}
void BM_ElasticsearchBulkGzipLlm(benchmark::State& state) {
  run(state, Workload::kLlm, true);
}
void BM_ElasticsearchBulkGzipLog(benchmark::State& state) {
  run(state, Workload::kLog, true);
}

BENCHMARK(BM_ElasticsearchBulkLlm)->ArgNames({"redact", "original"})->ArgsProduct({{0, 1}, {0, 1}});
BENCHMARK(BM_ElasticsearchBulkLog)->ArgNames({"redact", "original"})->ArgsProduct({{0, 1}, {0, 1}});
BENCHMARK(BM_ElasticsearchBulkGzipLlm)->ArgNames({"redact", "original"})->Args({1, 0});
BENCHMARK(BM_ElasticsearchBulkGzipLog)->ArgNames({"redact", "original"})->Args({1, 0});

}  // namespace
}  // namespace specwatch::bench

BENCHMARK_MAIN();
