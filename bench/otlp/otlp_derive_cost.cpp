// OTLP decode + derive, counted in instructions (callgrind), without the network or threads:
// decodes an export of 512 GenAI spans from protobuf (as the receivers do), then hands the batch
// through the normalize stage (otlp-span profile) to the derived-metrics and span-metrics
// consumers, as the pipeline worker does. `run_batches` is the only code counted. It takes each
// body over, as the HTTP receiver hands its request body to the decoder (a copy here would count
// about 400 instructions per span that the sidecar does not spend):
//
//   valgrind --tool=callgrind --toggle-collect='specwatch::bench::run_batches*'
//     build/bench/otlp/otlp_derive_cost 200   (one command line)
//   callgrind_annotate OUT | grep 'PROGRAM TOTALS'      → divide by 200 × 512 spans
//
// Natively it also prints the CPU time of run_batches (this thread's, the bodies made before):
// spans per CPU-second of decoding, normalizing and deriving on one core, without the sockets,
// HTTP or gRPC framing and thread hand-overs that the sidecar adds (w2_otlp_throughput.sh), and so
// steadier from one minute to the next:
//   taskset -c 1 build/bench/otlp/otlp_derive_cost 2000
#include <prometheus/registry.h>
#include <time.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "genai_spans.h"
#include "sidecar/derive/derived_metrics_consumer.h"
#include "sidecar/normalize/normalize_stage.h"
#include "sidecar/otlp/otlp_records.h"
#include "sidecar/otlp/span_metrics_consumer.h"

namespace specwatch::bench {

constexpr int kSpans = 512;

// Not inlined, so that callgrind can count exactly this.
[[gnu::noinline]] std::size_t run_batches(std::vector<std::string> bodies, NormalizeStage& stage) {
  std::size_t records = 0;
  for (std::string& body : bodies) {
    Conversion conversion;
    if (!decode_spans(std::move(body), "otlp-http", conversion).empty()) std::abort();
    for (ServiceRecords& group : conversion.services) {
      RecordBatch batch;
      batch.source = "otlp-http";
      batch.service = group.service;
      batch.profile = "otlp-span";
      batch.records = std::move(group.records);
      batch.storage = conversion.storage;
      for (const Record& record : batch.records)
        stage.on_json(batch, record, JsonRef::of(*record.value));
      stage.on_batch_end(batch);
      records += batch.records.size();
    }
  }
  return records;
}

}  // namespace specwatch::bench

int main(int argc, char** argv) {
  using namespace specwatch;
  const int batches = argc > 1 ? std::atoi(argv[1]) : 200;
  Logger logger(LogLevel::kError, [](std::string_view) {});
  prometheus::Registry registry;
  auto& errors_family = prometheus::BuildCounter()
                            .Name("specwatch_source_errors_total")
                            .Help("Bad input by source and reason.")
                            .Register(registry);
  ErrorReporter errors(logger, errors_family);
  ProfileSet profiles;
  // Built-in profiles are compiled on their first use: here, so that the count is the spans' only.
  if (profiles.find("otlp-span") == nullptr) std::abort();
  DerivedMetrics derived(registry, PricingTable::bundled(), {}, logger);
  DerivedMetricsConsumer derived_consumer(derived, registry);
  SpanMetrics span_metrics(registry);
  SpanMetricsConsumer span_consumer(span_metrics, registry);
  NormalizeStage stage(profiles, errors);
  stage.add_consumer(derived_consumer);
  stage.add_consumer(span_consumer);
  std::vector<std::string> bodies;
  for (int i = 0; i < batches; ++i) {
    bodies.push_back(
        bench::genai_batch(bench::kSpans, static_cast<std::uint64_t>(i) % 8).SerializeAsString());
  }
  const auto thread_cpu_ns = [] {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
  };
  const double start = thread_cpu_ns();
  const std::size_t records = bench::run_batches(std::move(bodies), stage);
  const double cpu_ns = thread_cpu_ns() - start;
  std::cout << "otlp_derive_cost batches=" << batches << " spans=" << records
            << " ns_per_span=" << static_cast<long long>(cpu_ns / static_cast<double>(records))
            << " spans_per_cpu_s="
            << static_cast<long long>(static_cast<double>(records) * 1e9 / cpu_ns) << "\n";
  return records == static_cast<std::size_t>(batches) * bench::kSpans ? 0 : 1;
}
