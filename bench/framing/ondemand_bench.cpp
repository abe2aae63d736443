// Should the parser use simdjson's on-demand API? The profiles read almost every member of a
// record, in any order, from one RapidJSON DOM; so the question is whether walking a record with
// on-demand (stage 1 only, values parsed as they are reached) and feeding the same DOM costs less
// than what JsonParser does: simdjson's DOM parse (stages 1 and 2, the tape) fed into the DOM.
//   ParseW1Llm/JsonParser   JsonParser::parse, the production path
//   ParseW1Llm/OnDemand     on-demand walk of every value into an identical RapidJSON document
// Records: W1-LLM's provider-call shape (bench/e2e/common.sh, generate_llm_ndjson), 335-345 bytes.
// The on-demand walk validates every value it reads, so the comparison is for equal work; it is
// compiled for the build's target (simdjson's on-demand code is inline and takes the kernel the
// compiler may always use: `fallback` without -march, `haswell` with -march=haswell).
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
// GCC 12 reports simdjson's result types as maybe-uninitialized (read only after success).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <simdjson.h>
#pragma GCC diagnostic pop

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "sidecar/framing/json_parser.h"

namespace specwatch {
namespace {

namespace ondemand = simdjson::ondemand;

std::vector<std::string> llm_records(int n) {
  const char* const services[] = {"checkout", "search", "support-bot", "indexer"};
  const char* const providers[] = {"anthropic", "openai", "gcp.gemini", "groq"};
  const char* const models[] = {"claude-sonnet-4-5", "gpt-4o-mini", "gemini-2.5-pro",
                                "llama-3.3-70b-versatile"};
  std::uint64_t state = 20260115;
  auto draw = [&state](std::uint64_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % bound;
  };
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    const std::size_t m = draw(4);
    const bool error = draw(100) < 3;
    char line[512];
    const int length = std::snprintf(
        line, sizeof line,
        R"({"time":"2025-01-15T10:%02d:%02d.%06dZ","level":"%s","msg":"llm call",)"
        R"("service":"%s","provider":"%s","model":"%s","operation":"chat","input_tokens":%d,)"
        R"("output_tokens":%d,"cache_read_tokens":%d,"latency_ms":%d.%03d,"status":"%s",)"
        R"("workflow_id":"wf-%07d","trace_id":"%08x%08x%08x%08x"})",
        i / 60 % 60, i % 60, static_cast<int>(draw(1000000)), error ? "ERROR" : "INFO",
        services[draw(4)], providers[m], models[m], static_cast<int>(200 + draw(20000)),
        static_cast<int>(draw(2000)), static_cast<int>(draw(5000)),
        static_cast<int>(40 + draw(30000)), static_cast<int>(draw(1000)), error ? "error" : "ok",
        i / 20, static_cast<unsigned>(draw(1u << 31)), static_cast<unsigned>(draw(1u << 31)),
        static_cast<unsigned>(draw(1u << 31)), static_cast<unsigned>(draw(1u << 31)));
    out.emplace_back(line, static_cast<std::size_t>(length));
  }
  return out;
}

// Feeds an on-demand value to a RapidJSON SAX handler, the calls JsonParser's DOM walk makes.
template <typename Value, typename Handler>
simdjson::error_code feed(Value&& value, Handler& out) {
  ondemand::json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case ondemand::json_type::object: {
      ondemand::object object;
      if (auto error = value.get_object().get(object)) return error;
      out.StartObject();
      rapidjson::SizeType members = 0;
      for (auto field : object) {
        std::string_view key;
        if (auto error = field.unescaped_key().get(key)) return error;
        out.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()), false);
        ondemand::value child;
        if (auto error = field.value().get(child)) return error;
        if (auto error = feed(child, out)) return error;
        ++members;
      }
      out.EndObject(members);
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::array: {
      ondemand::array array;
      if (auto error = value.get_array().get(array)) return error;
      out.StartArray();
      rapidjson::SizeType elements = 0;
      for (auto element : array) {
        ondemand::value child;
        if (auto error = element.get(child)) return error;
        if (auto error = feed(child, out)) return error;
        ++elements;
      }
      out.EndArray(elements);
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::string: {
      std::string_view text;
      if (auto error = value.get_string().get(text)) return error;
      out.String(text.data(), static_cast<rapidjson::SizeType>(text.size()), false);
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::number: {
      ondemand::number number;
      if (auto error = value.get_number().get(number)) return error;
      switch (number.get_number_type()) {
        case ondemand::number_type::signed_integer:
          out.Int64(number.get_int64());
          break;
        case ondemand::number_type::unsigned_integer:
          out.Uint64(number.get_uint64());
          break;
        default:
          out.Double(number.get_double());
          break;
      }
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::boolean: {
      bool flag;
      if (auto error = value.get_bool().get(flag)) return error;
      out.Bool(flag);
      return simdjson::SUCCESS;
    }
    case ondemand::json_type::null: {
      bool is_null;
      if (auto error = value.is_null().get(is_null)) return error;
      if (!is_null) return simdjson::INCORRECT_TYPE;
      out.Null();
      return simdjson::SUCCESS;
    }
  }
  return simdjson::INCORRECT_TYPE;
}

void BM_ParseW1Llm_JsonParser(benchmark::State& state) {
  const std::vector<std::string> records = llm_records(1000);
  JsonParser parser;
  std::int64_t members = 0;
  for (auto _ : state) {
    for (const auto& r : records) members += parser.parse(r).value->MemberCount();
  }
  if (members != static_cast<std::int64_t>(state.iterations()) * 1000 * 14) {
    state.SkipWithError("a record did not parse into its 14 members");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(records.size()));
}

void BM_ParseW1Llm_OnDemand(benchmark::State& state) {
  using Pool = rapidjson::MemoryPoolAllocator<>;
  using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, Pool, Pool>;
  const std::vector<std::string> records = llm_records(1000);
  ondemand::parser parser;
  std::vector<char> padded(4096);
  // The same pools JsonParser keeps: user buffers, cleared per record.
  std::vector<char> values(64 * 1024);
  std::vector<char> stack(16 * 1024);
  std::int64_t members = 0;
  for (auto _ : state) {
    for (const auto& r : records) {
      Pool value_pool(values.data(), values.size());
      Pool stack_pool(stack.data(), stack.size());
      Document document(&value_pool, 1024, &stack_pool);
      std::memcpy(padded.data(), r.data(), r.size());
      ondemand::document parsed;
      if (parser.iterate(padded.data(), r.size(), padded.size()).get(parsed)) {
        state.SkipWithError("on-demand refused a record");
        return;
      }
      struct Generator {
        ondemand::document* parsed;
        bool operator()(Document& d) const {
          ondemand::value root;
          return !parsed->get_value().get(root) && !feed(root, d);
        }
      } populate{&parsed};
      document.Populate(populate);
      members += document.MemberCount();
    }
  }
  if (members != static_cast<std::int64_t>(state.iterations()) * 1000 * 14) {
    state.SkipWithError("a record did not parse into its 14 members");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(records.size()));
}

BENCHMARK(BM_ParseW1Llm_JsonParser);
BENCHMARK(BM_ParseW1Llm_OnDemand);

}  // namespace
}  // namespace specwatch

BENCHMARK_MAIN();
