// The real OpenAI and Anthropic SDK clients, instrumented by each real GenAI instrumentation
// library (tests/genai/send.js), against a local fake LLM API, exporting OTLP/HTTP to the real
// binary: every library's requests, errors, tokens by type and cost in /metrics equal the values
// computed by hand from the bundled prices (sidecar/derive/pricing/models.yaml) and the usage the
// fake API answers (tests/genai/fake_llm.js). Where a library drops information, the figures pin
// what it sends (docs/PROFILES.md, "Instrumentation libraries"): an upgrade that fixes it fails
// here and is noticed.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tests/integration/otel/otel_harness.h"

namespace specwatch::testing {
namespace {

const std::string kGenaiDir = std::string(SPECWATCH_SOURCE_DIR) + "/tests/genai";

// The usage of fake_llm.js. OpenAI: prompt_tokens 1200 of which 1024 cached, completion 80.
// Anthropic: input_tokens 300 (without the cache), cache reads 2000, cache creation 500, output 50.
// Prices (per token): gpt-4o-mini input 1.5e-07, output 6.0e-07, cache read 7.5e-08;
// claude-haiku-4-5 input 1.0e-06, output 5.0e-06, cache read 1.0e-07, cache creation 1.25e-06.
constexpr double kOpenaiCallUsd = 176 * 1.5e-07 + 1024 * 7.5e-08 + 80 * 6.0e-07;
// A library that drops cached_tokens: the whole prompt at the input rate.
constexpr double kOpenaiCallWithoutCacheUsd = 1200 * 1.5e-07 + 80 * 6.0e-07;
constexpr double kAnthropicCallUsd = 300 * 1.0e-06 + 2000 * 1.0e-07 + 500 * 1.25e-06 + 50 * 5.0e-06;

// Tokens and errors several libraries report alike.
const std::map<std::string, double> kAnthropicTokens = {
    {"input", 5600}, {"output", 100}, {"cache_read", 4000}, {"cache_creation", 1000}};
const std::map<std::string, double> kOpenaiTokensWithoutCache = {{"input", 2400}, {"output", 160}};
const std::map<std::string, int> kBothErrors = {{"rate_limited", 1}, {"overloaded", 1}};

struct Expected {
  std::string scenario;
  int spans = 0;  // spans the library exports for the four calls
  std::string provider;
  std::string model;
  int successes = 0;
  std::map<std::string, int> errors;  // error_type → failed calls counted
  std::map<std::string, double> tokens;
  double cost_usd = 0;
  int without_usage = 0;  // successful calls without usage
  int deduplicated = 0;   // spans dropped as another span of the same call
};

std::ostream& operator<<(std::ostream& os, const Expected& e) {
  return os << e.scenario;
}

const std::vector<Expected>& expectations() {
  static const std::vector<Expected> all = {
      // The official instrumentation (0.21.0): usage of plain and streamed calls, but not
      // prompt_tokens_details.cached_tokens (the cache reads are billed at the input rate);
      // error.type InternalServerError for 529, classified from the status message.
      {"otel-openai", 4, "openai", "gpt-4o-mini", 2, kBothErrors, kOpenaiTokensWithoutCache,
       2 * kOpenaiCallWithoutCacheUsd, 0, 0},
      // Elastic's (0.5.1, openai 4 only): the same as the official one.
      {"elastic-openai", 4, "openai", "gpt-4o-mini", 2, kBothErrors, kOpenaiTokensWithoutCache,
       2 * kOpenaiCallWithoutCacheUsd, 0, 0},
      // OpenLLMetry's OpenAI (0.27.0): no span for a failed call, no usage on a streamed one, no
      // cached tokens.
      {"traceloop-openai",
       2,
       "openai",
       "gpt-4o-mini",
       2,
       {},
       {{"input", 1200}, {"output", 80}},
       kOpenaiCallWithoutCacheUsd,
       1,
       0},
      // OpenLLMetry's Anthropic (0.27.0): input_tokens without the cache (input_includes_cache
      // false by its scope name); errors from the status message.
      {"traceloop-anthropic", 4, "anthropic", "claude-haiku-4-5", 2, kBothErrors, kAnthropicTokens,
       2 * kAnthropicCallUsd, 0, 0},
      // OpenInference's OpenAI (4.2.7): no span for a failed call, no usage on a streamed one;
      // the cache reads are there.
      {"openinference-openai",
       2,
       "openai",
       "gpt-4o-mini",
       2,
       {},
       {{"input", 1200}, {"output", 80}, {"cache_read", 1024}},
       kOpenaiCallUsd,
       1,
       0},
      // OpenInference's Anthropic (0.2.8): everything, errors from the exception events.
      {"openinference-anthropic", 4, "anthropic", "claude-haiku-4-5", 2, kBothErrors,
       kAnthropicTokens, 2 * kAnthropicCallUsd, 0, 0},
      // The Anthropic SDK's own spans (1.17.0): gen_ai.usage.cache_write.input_tokens.
      {"anthropic-native", 4, "anthropic", "claude-haiku-4-5", 2, kBothErrors, kAnthropicTokens,
       2 * kAnthropicCallUsd, 0, 0},
      // Doubly instrumented: each call is a library span with the SDK's span as its child; each
      // call is counted once.
      {"anthropic-native-openinference", 8, "anthropic", "claude-haiku-4-5", 2, kBothErrors,
       kAnthropicTokens, 2 * kAnthropicCallUsd, 0, 4},
      {"anthropic-native-traceloop", 8, "anthropic", "claude-haiku-4-5", 2, kBothErrors,
       kAnthropicTokens, 2 * kAnthropicCallUsd, 0, 4},
      // The Vercel AI SDK (ai 6.0.333): only the doGenerate / doStream spans are calls.
      {"vercel-openai",
       8,
       "openai",
       "gpt-4o-mini",
       2,
       kBothErrors,
       {{"input", 2400}, {"output", 160}, {"cache_read", 2048}},
       2 * kOpenaiCallUsd,
       0,
       0},
      {"vercel-anthropic", 8, "anthropic", "claude-haiku-4-5", 2, kBothErrors, kAnthropicTokens,
       2 * kAnthropicCallUsd, 0, 0},
  };
  return all;
}

// Label sets as prometheus-cpp renders them (sorted by name).
std::string requests(const Expected& e, const std::string& outcome, const std::string& error) {
  return "specwatch_llm_requests_total{error_type=\"" + error + "\",model=\"" + e.model +
         "\",operation=\"chat\",outcome=\"" + outcome + "\",provider=\"" + e.provider +
         "\",service=\"genai-" + e.scenario + "\"}";
}
std::string per_model(const std::string& name, const Expected& e, const std::string& extra = "") {
  return name + "{" + extra + "model=\"" + e.model + "\",provider=\"" + e.provider +
         "\",service=\"genai-" + e.scenario + "\"}";
}
std::string tokens(const Expected& e, const std::string& type) {
  return "specwatch_llm_tokens_total{model=\"" + e.model + "\",provider=\"" + e.provider +
         "\",service=\"genai-" + e.scenario + "\",token_type=\"" + type + "\"}";
}

class GenaiInstrumentation : public ::testing::TestWithParam<Expected> {
 protected:
  std::string dump(const MetricsMap& m) const {
    std::string out;
    for (const auto& [series, value] : m) {
      if (series.rfind("specwatch_llm", 0) == 0 || series.rfind("specwatch_otlp_items", 0) == 0) {
        out += series + " " + std::to_string(value) + "\n";
      }
    }
    return out;
  }
};

TEST_P(GenaiInstrumentation, RequestsErrorsTokensAndCostEqualTheHandComputedFigures) {
  const Expected& e = GetParam();
  const std::string problem = node_problem(kGenaiDir, "@opentelemetry/sdk-trace-node");
  if (!problem.empty()) GTEST_FAIL() << problem;
  OtelSidecar sidecar;
  ASSERT_EQ(sidecar.problem(), "");

  const NodeResult r =
      run_node(kGenaiDir + "/send.js", {e.scenario, "--http", sidecar.http_endpoint()});
  ASSERT_EQ(r.exit_code, 0) << r.output << "\n--- sidecar log:\n" << sidecar.process().log();
  // Four calls, two failing; the fake API saw each once (no retries).
  EXPECT_NE(r.output.find("\"calls\":4,\"failed\":2,\"spans\":" + std::to_string(e.spans)),
            std::string::npos)
      << r.output;

  const std::string accepted = "specwatch_otlp_items_total{outcome=\"accepted\",signal=\"traces\"}";
  const MetricsMap m = sidecar.wait_for(accepted, e.spans);
  ASSERT_EQ(value_of(m, accepted), e.spans) << dump(m);

  EXPECT_EQ(value_of(m, requests(e, "success", "none")), e.successes) << dump(m);
  int failures = 0;
  for (const auto& [type, count] : e.errors) {
    EXPECT_EQ(value_of(m, requests(e, "error", type)), count) << type << "\n" << dump(m);
    failures += count;
  }
  EXPECT_EQ(sum_of(m, "specwatch_llm_requests_total"), e.successes + failures) << dump(m);

  double token_sum = 0;
  for (const auto& [type, value] : e.tokens) {
    EXPECT_EQ(value_of(m, tokens(e, type)), value) << type << "\n" << dump(m);
    token_sum += value;
  }
  EXPECT_EQ(sum_of(m, "specwatch_llm_tokens_total"), token_sum) << dump(m);

  const auto cost =
      value_of(m, per_model("specwatch_llm_cost_usd_total", e, "cost_source=\"computed\","));
  ASSERT_TRUE(cost.has_value()) << dump(m);
  EXPECT_NEAR(*cost, e.cost_usd, 1e-9) << dump(m);
  EXPECT_NEAR(sum_of(m, "specwatch_llm_cost_usd_total"), e.cost_usd, 1e-9) << dump(m);

  EXPECT_EQ(sum_of(m, "specwatch_llm_requests_without_usage_total"), e.without_usage) << dump(m);
  EXPECT_EQ(sum_of(m, "specwatch_llm_unpriced_requests_total"), 0) << dump(m);
  EXPECT_EQ(value_of(m, "specwatch_llm_calls_deduplicated_total"), e.deduplicated) << dump(m);
}

INSTANTIATE_TEST_SUITE_P(Libraries, GenaiInstrumentation, ::testing::ValuesIn(expectations()),
                         [](const ::testing::TestParamInfo<Expected>& info) {
                           std::string name;
                           for (char c : info.param.scenario) name += c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace specwatch::testing
