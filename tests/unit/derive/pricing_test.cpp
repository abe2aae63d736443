#include "sidecar/derive/pricing.h"

#include <gtest/gtest.h>

#include <tuple>

namespace specwatch {
namespace {

constexpr double kUsd = 1e-9;  // cost tolerance

PricingTable bundled() {
  std::vector<DeriveError> errors;
  PricingTable table = PricingTable::bundled(&errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors.front().to_string());
  return table;
}

LlmCall call_with(std::optional<std::int64_t> input, std::optional<std::int64_t> output) {
  LlmCall call;
  call.input_tokens = input;
  call.output_tokens = output;
  return call;
}

TEST(BundledPricing, ParsesWithSourceAndDateOnEveryEntry) {
  PricingTable table = bundled();
  ASSERT_EQ(table.size(), 19u);
  for (const auto& entry : table.entries()) {
    EXPECT_FALSE(entry.source.empty()) << entry.model;
    EXPECT_EQ(entry.checked, "2026-11-22") << entry.model;
  }
}

struct ExpectedRates {
  const char* provider;
  const char* model;
  double input, output, cache_read, cache_creation;
};

TEST(BundledPricing, ExactPerTokenRatesOfEveryModel) {
  const ExpectedRates expected[] = {
      {"anthropic", "claude-3-haiku", 2.5e-07, 1.25e-06, 3.0e-08, 3.0e-07},
      {"anthropic", "claude-3-5-haiku", 8.0e-07, 4.0e-06, 8.0e-08, 1.0e-06},
      {"anthropic", "claude-3-5-sonnet", 3.0e-06, 1.5e-05, 3.0e-07, 3.75e-06},
      {"anthropic", "claude-3-7-sonnet", 3.0e-06, 1.5e-05, 3.0e-07, 3.75e-06},
      {"anthropic", "claude-sonnet-4", 3.0e-06, 1.5e-05, 3.0e-07, 3.75e-06},
      {"anthropic", "claude-sonnet-4-5", 3.0e-06, 1.5e-05, 3.0e-07, 3.75e-06},
      {"anthropic", "claude-haiku-4-5", 1.0e-06, 5.0e-06, 1.0e-07, 1.25e-06},
      // OpenAI charges no cache write: cache_creation falls back to the input rate.
      {"openai", "gpt-4o", 2.5e-06, 1.0e-05, 1.25e-06, 2.5e-06},
      {"openai", "gpt-4o-mini", 1.5e-07, 6.0e-07, 7.5e-08, 1.5e-07},
      {"openai", "gpt-4-turbo", 1.0e-05, 3.0e-05, 1.0e-05, 1.0e-05},
      {"openai", "gpt-4.1-nano", 1.0e-07, 4.0e-07, 2.5e-08, 1.0e-07},
      {"openai", "gpt-3.5-turbo", 5.0e-07, 1.5e-06, 5.0e-07, 5.0e-07},
      {"gcp.gemini", "gemini-2.5-pro", 1.25e-06, 1.0e-05, 1.25e-07, 1.25e-06},
      {"groq", "llama-3.3-70b-versatile", 5.9e-07, 7.9e-07, 5.9e-07, 5.9e-07},
      {"groq", "llama-3.1-8b-instant", 5.0e-08, 8.0e-08, 5.0e-08, 5.0e-08},
      {"voyage", "voyage-3-lite", 2.0e-08, 0.0, 2.0e-08, 2.0e-08},
      {"local", "llama3", 0.0, 0.0, 0.0, 0.0},
      {"local", "*", 0.0, 0.0, 0.0, 0.0},
      {"ollama", "*", 0.0, 0.0, 0.0, 0.0},
  };
  PricingTable table = bundled();
  ASSERT_EQ(std::size(expected), table.size());
  for (const auto& e : expected) {
    const ModelPrice* price = nullptr;
    for (const auto& entry : table.entries()) {
      if (entry.provider == e.provider && entry.model == e.model) price = &entry;
    }
    ASSERT_NE(price, nullptr) << e.model;
    EXPECT_EQ(price->rates.input, e.input) << e.model;
    EXPECT_EQ(price->rates.output, e.output) << e.model;
    EXPECT_EQ(price->rates.cache_read, e.cache_read) << e.model;
    EXPECT_EQ(price->rates.cache_creation, e.cache_creation) << e.model;
    EXPECT_TRUE(price->output_includes_reasoning) << e.model;
  }
}

TEST(BundledPricing, Tiers) {
  PricingTable table = bundled();
  const ModelPrice* gemini = table.find("gcp.gemini", "gemini-2.5-pro");
  ASSERT_NE(gemini, nullptr);
  ASSERT_TRUE(gemini->tier.has_value());
  EXPECT_EQ(gemini->tier->above_input_tokens, 200000);
  EXPECT_EQ(gemini->tier->rates.input, 2.5e-06);
  EXPECT_EQ(gemini->tier->rates.output, 1.5e-05);
  EXPECT_EQ(gemini->tier->rates.cache_read, 2.5e-07);
  EXPECT_EQ(gemini->tier->rates.cache_creation, 2.5e-06);  // tier input rate
  const ModelPrice* sonnet = table.find("anthropic", "claude-sonnet-4-5");
  ASSERT_NE(sonnet, nullptr);
  ASSERT_TRUE(sonnet->tier.has_value());
  EXPECT_EQ(sonnet->tier->rates.input, 6.0e-06);
  EXPECT_EQ(sonnet->tier->rates.output, 2.25e-05);
  EXPECT_EQ(sonnet->tier->rates.cache_read, 6.0e-07);
  EXPECT_EQ(sonnet->tier->rates.cache_creation, 7.5e-06);
  EXPECT_FALSE(table.find("openai", "gpt-4o")->tier.has_value());
}

TEST(ModelNames, Normalize) {
  EXPECT_EQ(normalize_model_name("openai/gpt-4o"), "gpt-4o");
  EXPECT_EQ(normalize_model_name("Anthropic/claude-sonnet-4-5-20250929"),
            "claude-sonnet-4-5-20250929");
  EXPECT_EQ(normalize_model_name("us.anthropic.claude-3-5-haiku-20241022-v1:0"),
            "claude-3-5-haiku-20241022");
  EXPECT_EQ(normalize_model_name("bedrock/anthropic.claude-3-haiku-20240307-v1:0"),
            "claude-3-haiku-20240307");
  EXPECT_EQ(normalize_model_name("eu.anthropic.claude-3-7-sonnet-20250219-v1:0"),
            "claude-3-7-sonnet-20250219");
  EXPECT_EQ(normalize_model_name("claude-3-5-sonnet-v2@20241022"), "claude-3-5-sonnet-v2");
  EXPECT_EQ(normalize_model_name("models/gemini-2.5-pro"), "gemini-2.5-pro");
  EXPECT_EQ(normalize_model_name("gpt-4.1-nano"), "gpt-4.1-nano");
}

TEST(ModelNames, StripDateSuffix) {
  EXPECT_EQ(strip_date_suffix("claude-sonnet-4-5-20250929"), "claude-sonnet-4-5");
  EXPECT_EQ(strip_date_suffix("gpt-4o-2024-08-06"), "gpt-4o");
  EXPECT_EQ(strip_date_suffix("claude-3-5-sonnet-20241022"), "claude-3-5-sonnet");
  EXPECT_EQ(strip_date_suffix("claude-3-5-haiku-latest"), "claude-3-5-haiku");
  EXPECT_EQ(strip_date_suffix("gpt-4o"), "gpt-4o");
  EXPECT_EQ(strip_date_suffix("llama-3.1-8b-instant"), "llama-3.1-8b-instant");
  EXPECT_EQ(strip_date_suffix("model-1234567"), "model-1234567");  // 7 digits: not a date
}

TEST(Matching, ExactPrefixedDatedAndBedrockForms) {
  PricingTable table = bundled();
  const std::tuple<const char*, const char*, const char*> cases[] = {
      {"openai", "gpt-4o", "gpt-4o"},
      {"openai", "openai/gpt-4o", "gpt-4o"},
      {"", "OpenAI/GPT-4o", "gpt-4o"},
      {"openai", "gpt-4o-2024-08-06", "gpt-4o"},
      {"openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"},
      {"anthropic", "Anthropic/claude-sonnet-4-5-20250929", "claude-sonnet-4-5"},
      {"anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"},
      {"anthropic", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet"},
      {"anthropic", "claude-haiku-4-5-20251001", "claude-haiku-4-5"},
      {"anthropic", "claude-sonnet-4-20250514", "claude-sonnet-4"},
      {"aws.bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku"},
      {"aws.bedrock", "bedrock/anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku"},
      {"groq", "Groq/llama-3.3-70b-versatile", "llama-3.3-70b-versatile"},
      {"groq", "llama-3.1-8b-instant", "llama-3.1-8b-instant"},
      {"gcp.gemini", "gemini-2.5-pro", "gemini-2.5-pro"},
      {"voyage", "voyage-3-lite", "voyage-3-lite"},
      {"local", "llama3:8b", "llama3"},
      {"local", "some-local-model", "*"},
      {"ollama", "qwen2.5:7b", "*"},
      {"", "ollama/mistral", "*"},
  };
  for (const auto& [provider, model, expected] : cases) {
    const ModelPrice* price = table.find(provider, model);
    ASSERT_NE(price, nullptr) << provider << " " << model;
    EXPECT_EQ(price->model, expected) << provider << " " << model;
  }
  EXPECT_EQ(table.find("openai", "gpt-5"), nullptr);
  EXPECT_EQ(table.find("cerebras", "llama-4-scout"), nullptr);
  EXPECT_EQ(table.find("", ""), nullptr);
  // claude-3-5-sonnet must not be taken for claude-3-5-haiku or the other way round.
  EXPECT_EQ(table.find("anthropic", "claude-3-5-haiku-20241022")->model, "claude-3-5-haiku");
}

TEST(Matching, ProviderDisambiguatesSharedModelNames) {
  PricingTable table;
  table.add({ModelPrice{"groq", "llama3", {1e-6, 2e-6, 1e-6, 1e-6, 2e-6}, {}, true, "", ""},
             ModelPrice{"local", "llama3", {0, 0, 0, 0, 0}, {}, true, "", ""}});
  EXPECT_EQ(table.find("local", "llama3")->provider, "local");
  EXPECT_EQ(table.find("groq", "llama3")->provider, "groq");
  EXPECT_EQ(table.find("Groq", "llama3")->provider, "groq");
  EXPECT_EQ(table.find("other", "llama3")->provider, "groq");  // first entry
}

TEST(Matching, RegexRulesAreCaseInsensitiveAndComeAfterNames) {
  PricingTable table = bundled();
  auto errors = table.set_rules({{"my-finetune-.*", "", "gpt-4o-mini"},
                                 {"gpt-4o", "", "gpt-4-turbo"},
                                 {"acme-.*", "azure.ai.openai", "gpt-4o"}});
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(table.find("openai", "my-finetune-42")->model, "gpt-4o-mini");
  EXPECT_EQ(table.find("openai", "MY-FINETUNE-42")->model, "gpt-4o-mini");
  EXPECT_EQ(table.find("openai", "gpt-4o")->model, "gpt-4o");  // exact name wins over a rule
  EXPECT_EQ(table.find("azure.ai.openai", "acme-chat")->model, "gpt-4o");
  EXPECT_EQ(table.find("openai", "acme-chat"), nullptr);         // rule limited to another provider
  EXPECT_EQ(table.find("openai", "x-my-finetune-42"), nullptr);  // whole-name match
}

TEST(Matching, InvalidRegexIsReportedAndSkipped) {
  PricingTable table = bundled();
  auto errors = table.set_rules({{"(unclosed", "", "gpt-4o"}, {"ok-.*", "", "gpt-4o"}});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].key, "pricing.rules[0].match");
  EXPECT_EQ(errors[0].message.rfind("invalid regular expression: ", 0), 0u);
  EXPECT_EQ(table.find("openai", "ok-1")->model, "gpt-4o");
}

TEST(Matching, LookupsAreCachedInABoundedMap) {
  PricingTable table = bundled();
  EXPECT_EQ(table.cache_size(), 0u);
  table.find("openai", "gpt-4o");
  table.find("openai", "gpt-4o");
  table.find("openai", "unknown-model");
  EXPECT_EQ(table.cache_size(), 2u);
  for (int i = 0; i < 10000; ++i) {
    std::string name = "m";
    name += std::to_string(i);  // (GCC 12 warns falsely about "m" + std::to_string(i))
    table.find("openai", name);
  }
  EXPECT_LE(table.cache_size(), PricingTable::kCacheCapacity);
  EXPECT_EQ(table.find("openai", "gpt-4o")->model, "gpt-4o");
  // Adding entries invalidates the cache (pointers and answers change).
  table.add({ModelPrice{"openai", "m5", {1e-6, 1e-6, 1e-6, 1e-6, 1e-6}, {}, true, "", ""}});
  EXPECT_EQ(table.cache_size(), 0u);
  EXPECT_EQ(table.find("openai", "m5")->model, "m5");
}

TEST(Cost, InputAndOutput) {
  PricingTable table = bundled();
  auto cost = compute_cost(*table.find("openai", "gpt-4o"), call_with(1000, 1000));
  ASSERT_TRUE(cost.has_value());
  EXPECT_NEAR(*cost, 0.0125, kUsd);
  cost = compute_cost(*table.find("groq", "llama-3.3-70b-versatile"), call_with(2000, 300));
  EXPECT_NEAR(*cost, 2000 * 5.9e-07 + 300 * 7.9e-07, kUsd);
  EXPECT_NEAR(*compute_cost(*table.find("voyage", "voyage-3-lite"), call_with(50000, {})), 0.001,
              kUsd);
  EXPECT_NEAR(*compute_cost(*table.find("local", "llama3"), call_with(50000, 9000)), 0.0, kUsd);
}

TEST(Cost, CacheTokensWhenInputIncludesThem) {
  PricingTable table = bundled();
  LlmCall call = call_with(10000, 500);
  call.cache_read_tokens = 4000;
  call.cache_creation_tokens = 1000;
  call.input_includes_cache = true;
  // uncached 5000 × 3e-6 + 4000 × 3e-7 + 1000 × 3.75e-6 + 500 × 1.5e-5
  EXPECT_NEAR(*compute_cost(*table.find("anthropic", "claude-3-7-sonnet"), call), 0.02745, kUsd);
}

TEST(Cost, CacheTokensWhenInputExcludesThem) {
  PricingTable table = bundled();
  LlmCall call = call_with(5000, 500);
  call.cache_read_tokens = 4000;
  call.cache_creation_tokens = 1000;
  call.input_includes_cache = false;
  EXPECT_NEAR(*compute_cost(*table.find("anthropic", "claude-3-7-sonnet"), call), 0.02745, kUsd);
}

TEST(Cost, UncachedInputNeverBelowZero) {
  PricingTable table = bundled();
  LlmCall call = call_with(100, 0);
  call.cache_read_tokens = 500;
  EXPECT_NEAR(*compute_cost(*table.find("anthropic", "claude-3-7-sonnet"), call), 500 * 3.0e-07,
              kUsd);
}

TEST(Cost, AbsentCacheRatesUseTheInputRate) {
  PricingTable table = bundled();
  LlmCall call = call_with(3000, 0);
  call.cache_creation_tokens = 1000;
  call.cache_read_tokens = 1000;
  // gpt-4o: 1000 uncached × 2.5e-6 + 1000 read × 1.25e-6 + 1000 creation × 2.5e-6 (input rate)
  EXPECT_NEAR(*compute_cost(*table.find("openai", "gpt-4o"), call), 0.00625, kUsd);
}

TEST(Cost, TierAboveThreshold) {
  PricingTable table = bundled();
  const ModelPrice& gemini = *table.find("gcp.gemini", "gemini-2.5-pro");
  EXPECT_NEAR(*compute_cost(gemini, call_with(200000, 1000)), 0.26, kUsd);  // not above
  EXPECT_NEAR(*compute_cost(gemini, call_with(250000, 1000)), 0.64, kUsd);  // tier rates
  LlmCall cached = call_with(250000, 0);
  cached.cache_read_tokens = 100000;
  // 150000 × 2.5e-6 + 100000 × 2.5e-7
  EXPECT_NEAR(*compute_cost(gemini, cached), 0.4, kUsd);
  // An aggregate of 2 calls of 150000 input tokens each stays below the threshold.
  LlmCall aggregate = call_with(300000, 0);
  aggregate.count = 2;
  EXPECT_EQ(prompt_tokens_per_request(aggregate), 150000);
  EXPECT_NEAR(*compute_cost(gemini, aggregate), 0.375, kUsd);
}

TEST(Cost, ReasoningInsideOutputUnlessTheEntrySaysOtherwise) {
  PricingTable table = bundled();
  LlmCall call = call_with(0, 1000);
  call.reasoning_tokens = 800;
  EXPECT_NEAR(*compute_cost(*table.find("openai", "gpt-4o"), call), 0.01, kUsd);
  ModelPrice separate{"x", "r1", {1e-6, 2e-6, 1e-6, 1e-6, 4e-6}, {}, false, "", ""};
  EXPECT_NEAR(*compute_cost(separate, call), 1000 * 2e-6 + 800 * 4e-6, kUsd);
}

TEST(Cost, NoTokenCountsMeansNoCost) {
  PricingTable table = bundled();
  LlmCall call;
  call.reasoning_tokens = 10;
  call.total_tokens = 100;
  EXPECT_FALSE(compute_cost(*table.find("openai", "gpt-4o"), call).has_value());
  EXPECT_NEAR(*compute_cost(*table.find("openai", "gpt-4o"), call_with(0, {})), 0.0, kUsd);
}

TEST(PricingCheck, SortedDistinctUnpricedPairs) {
  PricingTable table = bundled();
  auto llm = [](std::string provider, std::string model, std::optional<double> cost) {
    CanonicalEvent event;
    LlmCall call;
    call.provider = std::move(provider);
    call.model = std::move(model);
    call.cost_usd = cost;
    event.body = call;
    return event;
  };
  std::vector<CanonicalEvent> events = {
      llm("openai", "gpt-5", {}), llm("cerebras", "llama-4", {}), llm("openai", "gpt-4o", {}),
      llm("openai", "gpt-5", {}), llm("sambanova", "x", 0.5),     llm("", "", {}),
  };
  CanonicalEvent log;
  log.body = LogRecord{};
  events.push_back(log);
  using Pair = std::pair<std::string, std::string>;
  EXPECT_EQ(
      unpriced_models(table, events),
      (std::vector<Pair>{{"cerebras", "llama-4"}, {"openai", "gpt-5"}, {"unknown", "unknown"}}));
}

}  // namespace
}  // namespace specwatch
