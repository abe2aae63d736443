#include "sidecar/derive/call_cost.h"

#include <gtest/gtest.h>

#include <limits>

namespace specwatch {
namespace {

LlmCall call_of(std::string provider, std::string model) {
  LlmCall call;
  call.provider = std::move(provider);
  call.model = std::move(model);
  return call;
}

PricingTable table() {
  PricingTable prices;
  // $1 per million input tokens, $4 per million output, cache reads $0.25, creation $2.
  prices.add({ModelPrice{"acme", "rocket", {1e-6, 4e-6, 0.25e-6, 2e-6, 4e-6}, {}, true, "", ""}});
  return prices;
}

TEST(CallCost, ReportedCostWinsOverThePrice) {
  PricingTable prices = table();
  LlmCall call = call_of("acme", "rocket");
  call.input_tokens = 1000;
  call.cost_usd = 0.5;
  const CallCost cost = llm_call_cost(call, prices);
  EXPECT_EQ(cost.source, CostSource::kReported);
  EXPECT_EQ(cost.usd, 0.5);
  EXPECT_EQ(cost_source_name(cost.source), "reported");
}

TEST(CallCost, UnusableReportedCostIsPricedInstead) {
  PricingTable prices = table();
  for (double bad :
       {-1.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    LlmCall call = call_of("acme", "rocket");
    call.input_tokens = 1000;  // 200 of them cache reads
    call.cache_read_tokens = 200;
    call.output_tokens = 100;
    call.cost_usd = bad;
    const CallCost cost = llm_call_cost(call, prices);
    EXPECT_EQ(cost.source, CostSource::kComputed);
    ASSERT_TRUE(cost.usd.has_value());
    // 800 uncached input at 1e-6, 200 cache reads at 0.25e-6, 100 output at 4e-6.
    EXPECT_NEAR(*cost.usd, 800e-6 + 50e-6 + 400e-6, 1e-12);
  }
}

TEST(CallCost, PricedModelWithoutUsageHasNoCost) {
  PricingTable prices = table();
  const CallCost cost = llm_call_cost(call_of("acme", "rocket"), prices);
  EXPECT_EQ(cost.source, CostSource::kNoUsage);
  EXPECT_FALSE(cost.usd.has_value());
  EXPECT_EQ(cost_source_name(cost.source), "no_usage");
}

TEST(CallCost, NoModelAndNoUsageIsNoUsageNotUnpriced) {
  PricingTable prices = table();
  const CallCost cost = llm_call_cost(call_of("groq", ""), prices);
  EXPECT_EQ(cost.source, CostSource::kNoUsage);
  EXPECT_FALSE(cost.usd.has_value());
}

TEST(CallCost, UnknownModelWithUsageIsUnpriced) {
  PricingTable prices = table();
  LlmCall call = call_of("acme", "sled");
  call.output_tokens = 10;
  const CallCost cost = llm_call_cost(call, prices);
  EXPECT_EQ(cost.source, CostSource::kUnpriced);
  EXPECT_FALSE(cost.usd.has_value());
  EXPECT_EQ(cost_source_name(cost.source), "unpriced");
}

}  // namespace
}  // namespace specwatch
