// Normalization throughput on a mixed stream of the four tools' records (the samples, framed as
// the tools write them). Target: >= 500,000 events/s on one core. Records are parsed once up
// front (parsing belongs to the framing stage); BM_ParseAndNormalize includes it for reference.
// The *Buffer variants normalize into a reused EventBuffer, as the pipeline does; the others into
// a fresh std::vector. BM_NormalizeGenericW1* run the `generic` profile on the records of the
// end-to-end benchmark bench/e2e/w1_tail_throughput.sh. BM_NormalizeOtlpSpans* run `otlp-span` on
// span records as the OTLP receivers write them (sidecar/otlp/README.md), with the attributes of
// bench/otlp's GenAI spans: flat dotted keys under `attributes`, one layout per instrumentation.
// BM_CallDeduplicatorAdmit: the call de-duplication's admit() per llm_call span, traces of 8
// spans each a child of the one before, past the state's bound (it rotates as under OTLP load).
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sidecar/normalize/call_deduplicator.h"
#include "sidecar/normalize/event_buffer.h"
#include "sidecar/normalize/profile_set.h"

namespace specwatch {
namespace {

const std::string kSamples = SPECWATCH_SAMPLES_DIR;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Item {
  const CompiledProfile* profile;
  bool text;
  std::string bytes;  // the line, or the JSON text of one record
  std::unique_ptr<rapidjson::Document> doc;
};

struct Stream {
  ProfileSet set;
  std::vector<Item> items;

  void json_values(const std::string& profile, const std::string& file) {
    const std::string text = read(kSamples + "/" + file);
    std::size_t pos = 0;
    while ((pos = text.find_first_not_of(" \t\r\n", pos)) != std::string::npos) {
      rapidjson::StringStream stream(text.c_str() + pos);
      auto doc = std::make_unique<rapidjson::Document>();
      doc->ParseStream<rapidjson::kParseStopWhenDoneFlag>(stream);
      if (doc->HasParseError()) {
        pos = text.find('\n', pos);  // an invalid line: skipped, as the framer does
        if (pos == std::string::npos) break;
        continue;
      }
      items.push_back({set.find(profile), false, text.substr(pos, stream.Tell()), std::move(doc)});
      pos += stream.Tell();
    }
  }
  void lines(const std::string& profile, const std::string& file) {
    std::istringstream in(read(kSamples + "/" + file));
    for (std::string line; std::getline(in, line);) {
      items.push_back({set.find(profile), true, line, nullptr});
    }
  }
};

Stream& mixed() {
  static Stream s = [] {
    Stream s;
    s.json_values("specular-trace", "specular/logs/trace_auto-1736965845.json");
    s.json_values("specular-trace", "specular/logs/trace_docs-1736966000.json");
    s.json_values("specular-log", "specular/logs/specular.log");
    s.json_values("specular-attestation", "specular/attestations/auto-1736965845.attestation.json");
    s.json_values("spec-agents-log", "spec-agents/pino.log");
    s.lines("spec-agents-console", "spec-agents/console.log");
    s.json_values("spek-result", "spek/analyzer/result-flat.json");
    s.json_values("spek-result", "spek/analyzer/result-cli.json");
    s.json_values("spek-log", "spek/logs/spek.log");
    s.json_values("specweaver-metrics", "specweaver/artifacts/metrics.json");
    s.lines("specweaver-log", "specweaver/logs/specweaver.log");
    return s;
  }();
  return s;
}

Stream& genai() {
  static Stream s = [] {
    Stream s;
    s.json_values("genai", "otel/genai.ndjson");
    return s;
  }();
  return s;
}

// The records of bench/e2e/common.sh's generate_ndjson (same fields, same variation).
Stream& w1() {
  static Stream s = [] {
    Stream s;
    const CompiledProfile* generic = s.set.find("generic");
    for (int i = 0; i < 256; ++i) {
      char line[512];
      std::snprintf(line, sizeof line,
                    R"({"time":"2025-01-15T10:30:%02d.%06d-08:00","level":"INFO",)"
                    R"("msg":"provider call completed","service":"specular",)"
                    R"("trace_id":"4bf92f3577b34da6a3ce929d0e0e%04x","span_id":"00f067aa0ba9%04x",)"
                    R"("provider":"anthropic","model":"claude-sonnet-4-5","latency_ms":%d,)"
                    R"("context":{"workflow_id":"auto-1736965845","step":"build","attempt":%d},)"
                    R"("seq":%d})",
                    i % 60, i, i, i, 100 + i % 900, i % 3, i);
      auto doc = std::make_unique<rapidjson::Document>();
      doc->Parse(line);
      s.items.push_back({generic, false, line, std::move(doc)});
    }
    return s;
  }();
  return s;
}

// 512 spans of bench/otlp/genai_spans.cpp, in the receiver's record shape: four models, every
// 50th span an error with `error.type` (one attribute more, so the layout changes now and then).
Stream& otlp_spans() {
  static Stream s = [] {
    Stream s;
    const CompiledProfile* profile = s.set.find("otlp-span");
    const char* const models[] = {"gpt-4o", "claude-sonnet-4-5", "llama-3.3-70b-versatile",
                                  "gemini-2.0-flash"};
    const char* const providers[] = {"openai", "anthropic", "groq", "gcp.gemini"};
    for (int i = 0; i < 512; ++i) {
      const bool error = i % 50 == 49;
      char line[2048];
      std::snprintf(
          line, sizeof line,
          R"({"signal":"span","name":"chat %s","kind":"client",)"
          R"("trace_id":"4bf92f3577b34da6a3ce929d0e0e%04x","span_id":"00f067aa0ba9%04x",)"
          R"("parent_span_id":"%s","start_time_unix_nano":%llu,"duration_ns":%d,)"
          R"("status":{"code":"%s","message":"%s"},)"
          R"("attributes":{"gen_ai.operation.name":"chat","gen_ai.provider.name":"%s",)"
          R"("gen_ai.request.model":"%s","gen_ai.response.model":"%s",)"
          R"("gen_ai.usage.input_tokens":%d,"gen_ai.usage.output_tokens":%d,)"
          R"("gen_ai.response.finish_reasons":"stop","workflow.id":"auto-1736965845"%s},)"
          R"("resource":{"service.name":"specular","service.version":"1.4.0",)"
          R"("deployment.environment":"dev"},)"
          R"("scope":{"name":"specular/provider","version":"1.4.0"},"events":[]})",
          models[i % 4], i / 8, i, i % 8 == 0 ? "" : "00f067aa0ba90001",
          1'700'000'000'000'000'000ULL + static_cast<unsigned long long>(i) * 1'000'000ULL,
          250'000'000 + (i % 50) * 10'000'000, error ? "error" : "unset",
          error ? "rate limited" : "", providers[i % 4], models[i % 4], models[i % 4],
          800 + i % 300, 150 + i % 120, error ? R"(,"error.type":"429")" : "");
      auto doc = std::make_unique<rapidjson::Document>();
      doc->Parse(line);
      s.items.push_back({profile, false, line, std::move(doc)});
    }
    return s;
  }();
  return s;
}

template <typename Out>
void run(benchmark::State& state, Stream& s, bool parse) {
  Out out;
  std::int64_t events = 0, records = 0;
  for (auto _ : state) {
    for (const Item& item : s.items) {
      out.clear();
      if (item.text) {
        normalize(*item.profile, std::string_view(item.bytes), "svc", out);
      } else if (parse) {
        rapidjson::Document doc;
        doc.Parse(item.bytes.data(), item.bytes.size());
        normalize(*item.profile, doc, "svc", out);
      } else {
        normalize(*item.profile, *item.doc, "svc", out);
      }
      events += static_cast<std::int64_t>(out.size());
      benchmark::DoNotOptimize(out);
    }
    records += static_cast<std::int64_t>(s.items.size());
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

using Vector = std::vector<CanonicalEvent>;

void BM_NormalizeMixed(benchmark::State& state) {
  run<Vector>(state, mixed(), false);
}
void BM_NormalizeMixedBuffer(benchmark::State& state) {
  run<EventBuffer>(state, mixed(), false);
}
void BM_ParseAndNormalizeMixed(benchmark::State& state) {
  run<Vector>(state, mixed(), true);
}
void BM_NormalizeGenai(benchmark::State& state) {
  run<Vector>(state, genai(), false);
}
void BM_NormalizeGenaiBuffer(benchmark::State& state) {
  run<EventBuffer>(state, genai(), false);
}
void BM_NormalizeOtlpSpans(benchmark::State& state) {
  run<Vector>(state, otlp_spans(), false);
}
void BM_NormalizeOtlpSpansBuffer(benchmark::State& state) {
  run<EventBuffer>(state, otlp_spans(), false);
}
void BM_NormalizeGenericW1(benchmark::State& state) {
  run<Vector>(state, w1(), false);
}
void BM_NormalizeGenericW1Buffer(benchmark::State& state) {
  run<EventBuffer>(state, w1(), false);
}

void BM_CallDeduplicatorAdmit(benchmark::State& state) {
  std::vector<std::string> ids(1 << 18);
  char text[24];
  for (std::size_t i = 0; i < ids.size(); ++i) {
    std::snprintf(text, sizeof text, "%016zx", i * 2654435761u);
    ids[i] = text;
  }
  CallDeduplicator calls(nullptr, CallDeduplicator::Limits{});
  std::size_t admitted = 0;
  std::size_t i = 1;
  for (auto _ : state) {
    if (i % 512 == 0) calls.begin_batch();
    const std::string_view parent = i % 8 != 0 ? std::string_view(ids[i - 1]) : std::string_view();
    admitted += calls.admit(ids[i / 8], ids[i], parent) ? 1 : 0;
    i = i + 1 == ids.size() ? 1 : i + 1;
  }
  benchmark::DoNotOptimize(admitted);
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_NormalizeMixed);
BENCHMARK(BM_NormalizeMixedBuffer);
BENCHMARK(BM_ParseAndNormalizeMixed);
BENCHMARK(BM_NormalizeGenai);
BENCHMARK(BM_NormalizeGenaiBuffer);
BENCHMARK(BM_NormalizeOtlpSpans);
BENCHMARK(BM_NormalizeOtlpSpansBuffer);
BENCHMARK(BM_NormalizeGenericW1);
BENCHMARK(BM_NormalizeGenericW1Buffer);
BENCHMARK(BM_CallDeduplicatorAdmit);

}  // namespace
}  // namespace specwatch

BENCHMARK_MAIN();
