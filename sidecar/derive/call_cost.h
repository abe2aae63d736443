// The cost of one LLM call as specwatch counts it: the one decision shared by
// specwatch_llm_cost_usd_total (DerivedMetrics) and the exported event documents, so that a
// document's cost and the metric never disagree.
//
// A reported cost (LlmCall::cost_usd, finite and >= 0) wins; otherwise the call is priced from the
// table (pricing.h, compute_cost). Never a silent 0: a call that cannot be priced has no cost and
// says why.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sidecar/core/event.h"
#include "sidecar/derive/pricing.h"

namespace specwatch {

enum class CostSource : std::uint8_t {
  kReported,  // usd: the call's own cost_usd
  kComputed,  // usd: priced from the table
  // No cost: the model has a price but the call carries no token counts, or the call names no
  // model and carries no usage at all (nothing a table could price).
  kNoUsage,
  kUnpriced,  // no cost: the call has usage but its model has no price
};

struct CallCost {
  std::optional<double> usd;  // set for kReported and kComputed only
  CostSource source = CostSource::kUnpriced;
};

// True for a reported cost that may be counted (finite, not negative).
bool usable_cost(const std::optional<double>& cost);

// Not thread-safe (PricingTable::find caches): one caller per table at a time.
CallCost llm_call_cost(const LlmCall& call, PricingTable& pricing);
// The same with the table's answer for (call.provider, call.model) already looked up (`price`,
// nullptr when the model has no price), for a caller that remembers it.
CallCost llm_call_cost(const LlmCall& call, const ModelPrice* price);

// "reported", "computed", "no_usage", "unpriced" (the cost_source label and the document field).
std::string_view cost_source_name(CostSource source);

}  // namespace specwatch
