// Per-span cost of the OTLP receive path without the network: decode an export of 512 GenAI
// spans (protobuf from the wire, or OTLP/JSON through the generated messages) into the span
// records; protobuf's generated parser alone, for comparison; and the RED span metrics update.
#include <benchmark/benchmark.h>
#include <google/protobuf/arena.h>
#include <prometheus/registry.h>
#include <zlib.h>

#include "genai_spans.h"
#include "sidecar/otlp/gzip.h"
#include "sidecar/otlp/otlp_json.h"
#include "sidecar/otlp/otlp_records.h"
#include "sidecar/otlp/span_metrics.h"

namespace specwatch {
namespace {

constexpr int kSpans = 512;
namespace trace_v1 = opentelemetry::proto::collector::trace::v1;

void BM_DecodeProtobufAndBuildRecords(benchmark::State& state) {
  const std::string body = bench::genai_batch(kSpans, 1).SerializeAsString();
  for (auto _ : state) {
    Conversion conversion;
    std::string error = decode_spans(body, "otlp-http", conversion);  // as the receivers do
    if (!error.empty()) state.SkipWithError(error.c_str());
    benchmark::DoNotOptimize(conversion);
  }
  state.SetItemsProcessed(state.iterations() * kSpans);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_DecodeProtobufAndBuildRecords);

void BM_DecodeProtobufOnly(benchmark::State& state) {
  const std::string body = bench::genai_batch(kSpans, 1).SerializeAsString();
  for (auto _ : state) {
    trace_v1::ExportTraceServiceRequest request;
    request.ParseFromString(body);
    benchmark::DoNotOptimize(request);
  }
  state.SetItemsProcessed(state.iterations() * kSpans);
}
BENCHMARK(BM_DecodeProtobufOnly);

void BM_DecodeProtobufOnArena(benchmark::State& state) {
  const std::string body = bench::genai_batch(kSpans, 1).SerializeAsString();
  for (auto _ : state) {
    google::protobuf::Arena arena;
    auto* request =
        google::protobuf::Arena::CreateMessage<trace_v1::ExportTraceServiceRequest>(&arena);
    request->ParseFromString(body);
    benchmark::DoNotOptimize(request);
  }
  state.SetItemsProcessed(state.iterations() * kSpans);
}
BENCHMARK(BM_DecodeProtobufOnArena);

void BM_DecodeJsonAndBuildRecords(benchmark::State& state) {
  const std::string body = bench::genai_batch_json(kSpans, 1);
  for (auto _ : state) {
    google::protobuf::Arena arena;
    auto* request =
        google::protobuf::Arena::CreateMessage<trace_v1::ExportTraceServiceRequest>(&arena);
    std::string error = parse_otlp_json(body, *request);
    if (!error.empty()) state.SkipWithError(error.c_str());
    Conversion conversion = convert_spans(*request, "otlp-http");
    benchmark::DoNotOptimize(conversion);
  }
  state.SetItemsProcessed(state.iterations() * kSpans);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
}
BENCHMARK(BM_DecodeJsonAndBuildRecords);

void BM_GunzipProtobufBatch(benchmark::State& state) {
  const std::string raw = bench::genai_batch(kSpans, 1).SerializeAsString();
  // The receiver only inflates; the body is deflated here with zlib directly.
  std::string compressed;
  {
    z_stream stream{};
    deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    compressed.resize(deflateBound(&stream, raw.size()) + 64);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    stream.avail_in = static_cast<uInt>(raw.size());
    stream.next_out = reinterpret_cast<Bytef*>(compressed.data());
    stream.avail_out = static_cast<uInt>(compressed.size());
    deflate(&stream, Z_FINISH);
    compressed.resize(stream.total_out);
    deflateEnd(&stream);
  }
  std::string out;
  for (auto _ : state) {
    gunzip_bounded(compressed, 16 << 20, out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * kSpans);
}
BENCHMARK(BM_GunzipProtobufBatch);

void BM_SpanMetricsObserve(benchmark::State& state) {
  prometheus::Registry registry;
  SpanMetrics metrics(registry);
  Conversion conversion = convert_spans(bench::genai_batch(kSpans, 1), "otlp-http");
  std::vector<SpanObservation> spans(conversion.services[0].records.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    span_observation_of(conversion.services[0].records[i], spans[i]);
  }
  for (auto _ : state) {
    metrics.observe(conversion.services[0].service, spans);
  }
  state.SetItemsProcessed(state.iterations() * kSpans);
}
BENCHMARK(BM_SpanMetricsObserve);

}  // namespace
}  // namespace specwatch

BENCHMARK_MAIN();
