// The redactor on label values as they come: mostly short clean names, now and then a secret.
// Figures in sidecar/redact/README.md.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "sidecar/redact/redactor.h"
#include "tests/support/sample_secrets.h"

namespace specwatch {
namespace {

const std::vector<std::string>& clean_values() {
  static const std::vector<std::string> values = {"openai",
                                                  "anthropic",
                                                  "gpt-4o-mini",
                                                  "chat",
                                                  "spec-agents",
                                                  "claude-3-5-sonnet-20241022",
                                                  "rate_limit",
                                                  "groq",
                                                  "llama-3.3-70b-versatile",
                                                  "specular",
                                                  "timeout",
                                                  "models/gemini-1.5-pro-002",
                                                  "text_completion",
                                                  "unknown",
                                                  "4bf92f3577b34da6a3ce929d0e0e4736",
                                                  "POST /v1/chat/completions"};
  return values;
}

// redact() over `values` in turn.
void redact_in_turn(benchmark::State& state, const std::vector<std::string>& values) {
  const Redactor redactor;
  std::string out;
  std::size_t i = 0;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(redactor.redact(values[i], out));
    i = (i + 1) % values.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// contains_secret() over the clean values in turn.
void scan_clean_values(benchmark::State& state, const Redactor& redactor) {
  const auto& values = clean_values();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(redactor.contains_secret(values[i]));
    i = (i + 1) % values.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// Clean values: the cost every new series pays.
void BM_CleanLabelValues(benchmark::State& state) {
  scan_clean_values(state, Redactor());
}
BENCHMARK(BM_CleanLabelValues);

// Clean values rewritten (redact() appends the value unchanged).
void BM_CleanLabelValuesRedact(benchmark::State& state) {
  redact_in_turn(state, clean_values());
}
BENCHMARK(BM_CleanLabelValuesRedact);

// Every built-in secret in its context, replaced.
void BM_SecretValuesRedact(benchmark::State& state) {
  std::vector<std::string> values;
  for (const auto& sample : testing::kSampleSecrets) {
    values.push_back("model=" + std::string(sample.text) + " rejected");
  }
  redact_in_turn(state, values);
}
BENCHMARK(BM_SecretValuesRedact);

// Clean values with four user-defined patterns on beside the built-ins: two whose trigger
// bytes the built-ins share ('s', 'a'), two of their own ('x', 'r').
void BM_UserPatternsCleanLabelValues(benchmark::State& state) {
  RedactionConfig config;
  for (const char* prefix : {"sk_live_", "acme_tok_", "xoxb-", "rk_live_"}) {
    UserPattern pattern;
    pattern.name = "user_" + std::string(prefix, 2);
    pattern.prefix = prefix;
    config.user_patterns.push_back(pattern);
  }
  scan_clean_values(state, Redactor(config));
}
BENCHMARK(BM_UserPatternsCleanLabelValues);

// A 1 KiB clean log message: bytes per second of the scan.
void BM_CleanKilobyte(benchmark::State& state) {
  const Redactor redactor;
  std::string text;
  while (text.size() < 1024) {
    text += "step 42 of workflow build-and-test finished: 17 files changed, cache hit ratio 0.93; ";
  }
  text.resize(1024);
  for (auto _ : state) benchmark::DoNotOptimize(redactor.contains_secret(text));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_CleanKilobyte);

}  // namespace
}  // namespace specwatch

BENCHMARK_MAIN();
