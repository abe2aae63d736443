// Prices of LLM models (USD per token) and the cost of one LlmCall event.
//
// The table comes from the bundled sidecar/derive/pricing/models.yaml (compiled into the binary),
// optionally overridden entry by entry by a user pricing file of the same shape, plus regex rules
// from the configuration. docs/METRICS.md ("Pricing") describes the rules; in short:
// - Absent cache_read / cache_creation rates fall back to the input rate (so a cached token is
//   never free by omission).
// - Reasoning tokens are part of output_tokens and are not priced again, unless the entry says
//   `output_includes_reasoning: false`; then they are added at the `reasoning` rate (default: the
//   output rate).
// - A tier {above_input_tokens: N, ...} replaces the rates when a request's prompt (uncached input
//   plus cache tokens) has more than N tokens.
// - A reported cost (LlmCall::cost_usd) always wins over a computed one; that choice is made by
//   the caller (DerivedMetrics), this file only computes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sidecar/core/event.h"
#include "sidecar/derive/derive_error.h"

namespace specwatch {

// USD per token for each kind of token.
struct TokenRates {
  double input = 0.0;
  double output = 0.0;
  double cache_read = 0.0;      // equals input when the file leaves it out
  double cache_creation = 0.0;  // equals input when the file leaves it out
  double reasoning = 0.0;       // used only when !output_includes_reasoning; default output

  bool operator==(const TokenRates&) const = default;
};

struct PriceTier {
  std::int64_t above_input_tokens = 0;
  TokenRates rates;

  bool operator==(const PriceTier&) const = default;
};

struct ModelPrice {
  std::string provider;  // lowercase, e.g. "anthropic"
  std::string model;     // lowercase canonical name, or "*" for every model of the provider
  TokenRates rates;
  std::optional<PriceTier> tier;
  bool output_includes_reasoning = true;
  std::string source;   // where the price was read
  std::string checked;  // date the price was checked (YYYY-MM-DD)
};

// A configured mapping: a model name matching `match` (case-insensitive, whole name) is priced as
// table entry `model` (optionally only when the event's provider equals `provider`).
struct PricingRule {
  std::string match;
  std::string provider;  // empty: any provider
  std::string model;
};

// Cost of one event. nullopt when the event carries no split token counts at all (input, output,
// cache_read, cache_creation all absent): no cost can be computed and none is made up.
// uncached input = input - cache_read - cache_creation (never below 0) when
// call.input_includes_cache, else input; each cache token is priced once, at its own rate.
std::optional<double> compute_cost(const ModelPrice& price, const LlmCall& call);

// Token count the tier threshold is compared with: the prompt size of one request (uncached
// input + cache_read + cache_creation), divided by call.count for aggregate events.
std::int64_t prompt_tokens_per_request(const LlmCall& call);

// Parses a pricing document (see pricing/models.yaml). `file` names the document in errors.
// Never throws; on any error the returned entries must not be used.
struct PricingParseResult {
  std::vector<ModelPrice> entries;
  std::vector<DeriveError> errors;
};
PricingParseResult parse_pricing_yaml(std::string_view text, const std::string& file);
PricingParseResult load_pricing_file(const std::string& path);

// The bundled table's text (generated from pricing/models.yaml at build time).
std::string_view bundled_pricing_yaml();

class PricingTable {
 public:
  // An empty table (every model unknown).
  PricingTable();
  ~PricingTable();
  PricingTable(PricingTable&&) noexcept;
  PricingTable& operator=(PricingTable&&) noexcept;
  PricingTable(const PricingTable&) = delete;
  PricingTable& operator=(const PricingTable&) = delete;

  // The bundled table. Its text is checked by the unit tests, so failure here is a build defect:
  // the errors are returned and the table is empty.
  static PricingTable bundled(std::vector<DeriveError>* errors = nullptr);

  // Adds entries; an entry with the same (provider, model) as an existing one replaces it (that
  // is how a user file overrides the bundled prices entry by entry).
  void add(std::vector<ModelPrice> entries);
  // Regex rules are compiled here; an invalid regex is returned as an error (key
  // "pricing.rules[i].match") and skipped.
  std::vector<DeriveError> set_rules(const std::vector<PricingRule>& rules,
                                     const std::string& file = "config");

  // nullptr when the model has no price. Matching order: exact model name; lowercase with
  // provider prefixes removed ("openai/gpt-4o", "Anthropic/claude-…", "bedrock/…",
  // "us.anthropic.claude-…-v1:0"); dated or "-latest" suffixes removed
  // ("claude-sonnet-4-5-20250929", "gpt-4o-2024-08-06"); Ollama-style ":tag" suffix removed;
  // the regex rules in order; finally a provider-wide entry (model "*"). When several entries
  // share a model name the one of the event's provider is preferred.
  // Not thread-safe (it caches resolved lookups in a bounded map): one user at a time.
  const ModelPrice* find(std::string_view provider, std::string_view model);

  // The same without touching the cache (for tools such as `specwatch pricing check`).
  const ModelPrice* resolve(std::string_view provider, std::string_view model) const;

  std::size_t size() const;
  const std::vector<ModelPrice>& entries() const;

  // Resolved lookups kept (cleared when full).
  static constexpr std::size_t kCacheCapacity = 4096;
  std::size_t cache_size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The model name as the table keys it: lowercase, provider / region / vendor prefixes and
// Bedrock version suffixes removed ("us.anthropic.claude-3-5-haiku-20241022-v1:0" →
// "claude-3-5-haiku-20241022"). Dated suffixes are kept (see strip_date_suffix).
std::string normalize_model_name(std::string_view model);
// "claude-sonnet-4-5-20250929" → "claude-sonnet-4-5"; "gpt-4o-2024-08-06" → "gpt-4o";
// "x-latest" → "x"; otherwise unchanged.
std::string strip_date_suffix(std::string_view model);

// For `specwatch pricing check`: the sorted distinct (provider, model) pairs of LLM calls that
// have neither a reported cost nor a price in `table`. Empty provider / model read "unknown".
std::vector<std::pair<std::string, std::string>> unpriced_models(
    const PricingTable& table, const std::vector<CanonicalEvent>& events);

}  // namespace specwatch
