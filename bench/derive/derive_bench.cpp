// DerivedMetrics::record on a mixed event stream and pricing lookups; /metrics rendering with
// 10,000 derived series is in render_bench.cpp. Run: build-rel/bench/derive/bench_derive
#include <benchmark/benchmark.h>
#include <prometheus/registry.h>

#include <random>

#include "sidecar/derive/derived_metrics.h"

namespace specwatch {
namespace {

// ~50 model spellings as they arrive: bundled names with dates, prefixes and Bedrock ids, plus a
// few unknown ones (unpriced path).
std::vector<std::pair<std::string, std::string>> model_mix() {
  std::vector<std::pair<std::string, std::string>> out;
  const char* anthropic[] = {"claude-3-haiku-20240307",    "claude-3-5-haiku-20241022",
                             "claude-3-5-sonnet-20241022", "claude-3-7-sonnet-20250219",
                             "claude-sonnet-4-20250514",   "claude-sonnet-4-5-20250929",
                             "claude-haiku-4-5-20251001"};
  for (const char* m : anthropic) {
    out.emplace_back("anthropic", m);
    out.emplace_back("anthropic", std::string("Anthropic/") + m);
    out.emplace_back("aws.bedrock", std::string("us.anthropic.") + m + "-v1:0");
  }
  const char* openai[] = {
      "gpt-4o",      "gpt-4o-2024-08-06", "gpt-4o-mini",  "gpt-4o-mini-2024-07-18",
      "gpt-4-turbo", "gpt-4.1-nano",      "gpt-3.5-turbo"};
  for (const char* m : openai) {
    out.emplace_back("openai", m);
    out.emplace_back("openai", std::string("openai/") + m);
  }
  out.emplace_back("gcp.gemini", "gemini-2.5-pro");
  out.emplace_back("groq", "llama-3.3-70b-versatile");
  out.emplace_back("groq", "Groq/llama-3.3-70b-versatile");
  out.emplace_back("groq", "llama-3.1-8b-instant");
  out.emplace_back("voyage", "voyage-3-lite");
  out.emplace_back("ollama", "llama3:8b");
  out.emplace_back("local", "llama3");
  for (int i = 0; i < 8; ++i) out.emplace_back("cerebras", "unknown-model-" + std::to_string(i));
  return out;  // 21 + 14 + 7 + 8 = 50
}

// A chat call of `model` with a duration, input and output tokens, cache reads one time in three
// and a rate-limit error one time in twenty, drawn from `rng`.
LlmCall random_call(const std::string& provider, const std::string& model, std::mt19937& rng) {
  LlmCall call;
  call.provider = provider;
  call.model = model;
  call.operation = "chat";
  call.duration_seconds = 0.2 + (rng() % 5000) / 1000.0;
  call.input_tokens = 500 + rng() % 5000;
  call.output_tokens = 50 + rng() % 800;
  if (rng() % 3 == 0) call.cache_read_tokens = rng() % 400;
  if (rng() % 20 == 0) {
    call.outcome = Outcome::kError;
    call.error_type = "rate_limited";
  }
  return call;
}

std::vector<CanonicalEvent> mixed_events(std::size_t n) {
  const auto models = model_mix();
  std::mt19937 rng(42);
  std::vector<CanonicalEvent> events;
  events.reserve(n);
  const char* services[] = {"specular", "spec-agents", "spek", "specweaver"};
  for (std::size_t i = 0; i < n; ++i) {
    CanonicalEvent e;
    e.service = services[rng() % 4];
    const unsigned kind = rng() % 10;
    if (kind < 4) {
      const auto& [provider, model] = models[rng() % models.size()];
      e.body = random_call(provider, model, rng);
    } else if (kind < 6) {
      e.body = CacheLookup{rng() % 2 ? "query" : "embedding", rng() % 3 != 0};
    } else if (kind < 9) {
      e.body = LogRecord{static_cast<Severity>(rng() % 5), ""};
    } else {
      e.body = PolicyCheck{rng() % 2 ? "cost_limit" : "timeout", rng() % 4 != 0, ""};
    }
    events.push_back(std::move(e));
  }
  return events;
}

void BM_RecordMixed(benchmark::State& state) {
  prometheus::Registry registry;
  Logger logger(LogLevel::kError, [](std::string_view) {});
  DerivedMetrics metrics(registry, PricingTable::bundled(), {}, logger);
  const auto events = mixed_events(65536);
  const Tool profile = state.range(0) ? Tool::kSpecular : Tool::kNone;
  std::size_t i = 0;
  for (auto _ : state) {
    metrics.record(events[i], profile);
    i = (i + 1) & 65535;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordMixed)->Arg(0)->Arg(1);

// Batches of provider calls as a file source delivers them (W1-LLM's shape): 1,000 calls over 36
// label sets (4 services x 9 models, and their rate-limited errors), random_call()'s fields and a
// computed cost each;
// Arg(1) with Specular's own families too. Measures what the batch deferral
// (LlmCallSeries::Pending) saves per call.
void BM_RecordCallBatch(benchmark::State& state) {
  prometheus::Registry registry;
  Logger logger(LogLevel::kError, [](std::string_view) {});
  DerivedMetrics metrics(registry, PricingTable::bundled(), {}, logger);
  const char* services[] = {"svc-a", "svc-b", "svc-c", "svc-d"};
  const std::pair<std::string, std::string> models[] = {{"anthropic", "claude-sonnet-4-20250514"},
                                                        {"anthropic", "claude-3-5-haiku-20241022"},
                                                        {"anthropic", "claude-haiku-4-5-20251001"},
                                                        {"openai", "gpt-4o"},
                                                        {"openai", "gpt-4o-mini"},
                                                        {"openai", "gpt-4.1-nano"},
                                                        {"gcp.gemini", "gemini-2.5-pro"},
                                                        {"groq", "llama-3.3-70b-versatile"},
                                                        {"groq", "llama-3.1-8b-instant"}};
  std::mt19937 rng(7);
  std::vector<CanonicalEvent> batch(1000);
  for (auto& e : batch) {
    e.service = services[rng() % 4];
    const auto& [provider, model] = models[rng() % 9];
    e.body = random_call(provider, model, rng);
  }
  const Tool tool = state.range(0) ? Tool::kSpecular : Tool::kNone;
  for (auto _ : state) metrics.record(std::span<const CanonicalEvent>(batch), tool);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch.size()));
}
BENCHMARK(BM_RecordCallBatch)->Arg(0)->Arg(1);

void BM_PricingFindCached(benchmark::State& state) {
  PricingTable table = PricingTable::bundled();
  const auto models = model_mix();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [provider, model] = models[i];
    benchmark::DoNotOptimize(table.find(provider, model));
    i = (i + 1) % models.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PricingFindCached);

void BM_PricingResolveUncached(benchmark::State& state) {
  PricingTable table = PricingTable::bundled();
  const auto models = model_mix();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [provider, model] = models[i];
    benchmark::DoNotOptimize(table.resolve(provider, model));
    i = (i + 1) % models.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PricingResolveUncached);

}  // namespace
}  // namespace specwatch

BENCHMARK_MAIN();
