#include "sidecar/derive/call_cost.h"

#include <cmath>

namespace specwatch {

bool usable_cost(const std::optional<double>& cost) {
  return cost && std::isfinite(*cost) && *cost >= 0.0;
}

CallCost llm_call_cost(const LlmCall& call, PricingTable& pricing) {
  if (usable_cost(call.cost_usd)) return {*call.cost_usd, CostSource::kReported};
  return llm_call_cost(call, pricing.find(call.provider, call.model));
}

CallCost llm_call_cost(const LlmCall& call, const ModelPrice* price) {
  if (usable_cost(call.cost_usd)) return {*call.cost_usd, CostSource::kReported};
  if (price != nullptr) {
    std::optional<double> usd = compute_cost(*price, call);
    return {usd, usd ? CostSource::kComputed : CostSource::kNoUsage};
  }
  if (call.model.empty() && !call.input_tokens && !call.output_tokens && !call.cache_read_tokens &&
      !call.cache_creation_tokens) {
    // E.g. "Trying LLM provider: groq" lines: nothing a price table could price, so this is a
    // call without usage, not an unknown model.
    return {std::nullopt, CostSource::kNoUsage};
  }
  return {std::nullopt, CostSource::kUnpriced};
}

std::string_view cost_source_name(CostSource source) {
  switch (source) {
    case CostSource::kReported:
      return "reported";
    case CostSource::kComputed:
      return "computed";
    case CostSource::kNoUsage:
      return "no_usage";
    case CostSource::kUnpriced:
      return "unpriced";
  }
  return "unpriced";
}

}  // namespace specwatch
