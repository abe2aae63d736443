// Throughput of framing and parsing on generated, deterministic input:
//   NdjsonFrameAndParse   ~350-byte slog/pino-style events, one per line (target >= 1M events/s)
//   JsonStreamFrameAndParse  pretty-printed Specular-like trace events
//   FramingOnly/*         the framers alone, in bytes/s
//   ParseOnly             JsonParser alone, simdjson and per RapidJSON mode
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "sidecar/framing/framer.h"
#include "sidecar/framing/json_parser.h"

namespace specwatch {
namespace {

constexpr std::size_t kChunkBytes = 256 * 1024;  // the file source's default read buffer

// Small deterministic generator (no dependency on <random> implementations).
struct Lcg {
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  std::uint64_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  }
};

const char* const kMessages[] = {"request completed", "step started", "tool call finished",
                                 "retrying upstream call", R"(cache miss for \"spec\" lookup)"};
const char* const kPaths[] = {"/api/v1/runs", "/api/v1/runs/{id}/steps", "/api/v1/specs",
                              "/healthz"};

std::string ndjson_event(Lcg& rng, int i) {
  char line[512];
  const int n = std::snprintf(
      line, sizeof line,
      R"({"time":"2026-05-01T10:%02d:%02d.%03dZ","level":"%s","msg":"%s","service":"specweaver",)"
      R"("run_id":"run-%06d","trace_id":"4bf92f3577b34da6a3ce929d0e0e%04x",)"
      R"("span_id":"00f067aa0ba9%04x","http":{"method":"%s","path":"%s","status":%d,)"
      R"("duration_ms":%d.%03d,"bytes":%d},"user":"agent-%d","attempt":%d,"ok":%s})",
      static_cast<int>(rng.next() % 60), static_cast<int>(rng.next() % 60),
      static_cast<int>(rng.next() % 1000), (i % 10 == 0) ? "WARN" : "INFO",
      kMessages[rng.next() % 5], i % 1000000, static_cast<unsigned>(rng.next() % 65536),
      static_cast<unsigned>(rng.next() % 65536), (i % 3 == 0) ? "POST" : "GET",
      kPaths[rng.next() % 4], (i % 17 == 0) ? 500 : 200, static_cast<int>(rng.next() % 900),
      static_cast<int>(rng.next() % 1000), static_cast<int>(rng.next() % 100000),
      static_cast<int>(rng.next() % 32), static_cast<int>(1 + rng.next() % 3),
      (i % 17 == 0) ? "false" : "true");
  return std::string(line, static_cast<std::size_t>(n));
}

const std::string& ndjson_stream() {
  static const std::string stream = [] {
    Lcg rng;
    std::string s;
    for (int i = 0; i < 20000; ++i) {
      s += ndjson_event(rng, i);
      s += '\n';
    }
    return s;
  }();
  return stream;
}

std::string specular_event(Lcg& rng, int i) {
  std::string e = "{\n  \"type\": \"";
  e += (i % 4 == 0) ? "tool_call" : (i % 4 == 1) ? "model_response" : "step";
  e += "\",\n  \"ts\": " + std::to_string(1714557600000 + i * 37) + ",\n";
  e += "  \"session\": \"sess-" + std::to_string(rng.next() % 1000) + "\",\n";
  e += "  \"step\": " + std::to_string(i) + ",\n";
  e += "  \"model\": {\n    \"name\": \"large-model\",\n    \"input_tokens\": " +
       std::to_string(rng.next() % 9000) +
       ",\n    \"output_tokens\": " + std::to_string(rng.next() % 2000) + "\n  },\n";
  e += "  \"tool\": {\n    \"name\": \"shell\",\n    \"args\": {\n      \"cmd\": \"grep -rn "
       "\\\"{x}\\\" "
       "src/ | head\"\n    },\n    \"exit_code\": 0\n  },\n";
  e += "  \"text\": \"Looking at the failing test, the assertion in [spec] expects \\\"ok\\\" "
       "but the handler returns an error.\\nNext I will inspect the handler.\",\n";
  e += "  \"tags\": [\n    \"agent\",\n    \"trace\"\n  ]\n}\n";
  return e;
}

const std::string& json_stream() {
  static const std::string stream = [] {
    Lcg rng;
    std::string s = "{\n  \"specular\": \"trace\",\n  \"version\": 2\n}\n";
    for (int i = 0; i < 10000; ++i) s += specular_event(rng, i);
    return s;
  }();
  return stream;
}

// A json-stream whose values are mostly long plain strings: the scanner's best case.
const std::string& text_heavy_stream() {
  static const std::string stream = [] {
    Lcg rng;
    std::string s;
    for (int i = 0; i < 2000; ++i) {
      s += "{\n  \"step\": " + std::to_string(i) + ",\n  \"text\": \"";
      for (int w = 0; w < 400; ++w) {
        s += "word";
        s += static_cast<char>('a' + rng.next() % 26);
        s += ' ';
      }
      s += "\"\n}\n";
    }
    return s;
  }();
  return stream;
}

class CountingOutput final : public FramerOutput {
 public:
  void on_record(std::string_view data, std::uint64_t) override {
    ++records;
    bytes += data.size();
  }
  void on_error(std::string_view, std::string_view, std::uint64_t) override { ++errors; }
  std::int64_t records = 0;
  std::int64_t bytes = 0;
  std::int64_t errors = 0;
};

class ParsingOutput final : public FramerOutput {
 public:
  explicit ParsingOutput(JsonParserOptions options) : parser(options) {}
  void on_record(std::string_view data, std::uint64_t) override {
    const ParseResult result = parser.parse(data);
    if (result.ok() && result.value->IsObject()) {
      ++records;
      members += result.value->MemberCount();
    } else {
      ++errors;
    }
  }
  void on_error(std::string_view, std::string_view, std::uint64_t) override { ++errors; }
  JsonParser parser;
  std::int64_t records = 0;
  std::int64_t members = 0;
  std::int64_t errors = 0;
};

void feed_in_chunks(Framer& framer, const std::string& stream, FramerOutput& out) {
  framer.reset(0);
  for (std::size_t pos = 0; pos < stream.size(); pos += kChunkBytes) {
    framer.feed(std::string_view(stream).substr(pos, kChunkBytes), out);
  }
}

JsonParserOptions options_from(const benchmark::State& state) {
  return JsonParserOptions{state.range(2) != 0, state.range(0) != 0, state.range(1) != 0};
}

void frame_and_parse(benchmark::State& state, Framing framing, const std::string& stream) {
  auto framer = make_stream_framer(framing, 1 << 20);
  ParsingOutput out(options_from(state));
  for (auto _ : state) {
    feed_in_chunks(*framer, stream, out);
    benchmark::DoNotOptimize(out.members);
  }
  if (out.errors != 0) state.SkipWithError("unexpected errors");
  state.SetItemsProcessed(out.records);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
  state.counters["bytes_per_record"] =
      static_cast<double>(stream.size()) / static_cast<double>(out.records / state.iterations());
}

void BM_NdjsonFrameAndParse(benchmark::State& state) {
  frame_and_parse(state, Framing::kNdjson, ndjson_stream());
}
void BM_JsonStreamFrameAndParse(benchmark::State& state) {
  frame_and_parse(state, Framing::kJsonStream, json_stream());
}

void framing_only(benchmark::State& state, Framing framing, const std::string& stream) {
  auto framer = make_stream_framer(framing, 1 << 20);
  CountingOutput out;
  for (auto _ : state) {
    feed_in_chunks(*framer, stream, out);
    benchmark::DoNotOptimize(out.bytes);
  }
  if (out.errors != 0) state.SkipWithError("unexpected errors");
  state.SetItemsProcessed(out.records);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}

void BM_FramingOnly_Ndjson(benchmark::State& state) {
  framing_only(state, Framing::kNdjson, ndjson_stream());
}
void BM_FramingOnly_Lines(benchmark::State& state) {
  framing_only(state, Framing::kLines, ndjson_stream());
}
void BM_FramingOnly_JsonStreamPretty(benchmark::State& state) {
  framing_only(state, Framing::kJsonStream, json_stream());
}
void BM_FramingOnly_JsonStreamCompactLines(benchmark::State& state) {
  framing_only(state, Framing::kJsonStream, ndjson_stream());
}
void BM_FramingOnly_JsonStreamPlainText(benchmark::State& state) {
  framing_only(state, Framing::kJsonStream, text_heavy_stream());
}

void BM_ParseOnly(benchmark::State& state) {
  Lcg rng;
  std::vector<std::string> events;
  for (int i = 0; i < 1000; ++i) events.push_back(ndjson_event(rng, i));
  JsonParser parser(options_from(state));
  std::int64_t members = 0;
  for (auto _ : state) {
    for (const auto& e : events) members += parser.parse(e).value->MemberCount();
  }
  benchmark::DoNotOptimize(members);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(events.size()));
}

// Args: {insitu, iterative, simd} (the RapidJSON modes matter with simd for what it rejects).
#define SPECWATCH_PARSER_MODES              \
  ArgNames({"insitu", "iterative", "simd"}) \
      ->Args({1, 0, 1})                     \
      ->Args({1, 0, 0})                     \
      ->Args({0, 0, 0})                     \
      ->Args({1, 1, 0})                     \
      ->Args({0, 1, 0})

BENCHMARK(BM_NdjsonFrameAndParse)->SPECWATCH_PARSER_MODES;
BENCHMARK(BM_JsonStreamFrameAndParse)->SPECWATCH_PARSER_MODES;
BENCHMARK(BM_ParseOnly)->SPECWATCH_PARSER_MODES;
BENCHMARK(BM_FramingOnly_Ndjson);
BENCHMARK(BM_FramingOnly_Lines);
BENCHMARK(BM_FramingOnly_JsonStreamPretty);
BENCHMARK(BM_FramingOnly_JsonStreamCompactLines);
BENCHMARK(BM_FramingOnly_JsonStreamPlainText);

}  // namespace
}  // namespace specwatch

BENCHMARK_MAIN();
