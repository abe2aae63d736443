// W1-LLM's stream (bench/e2e/common.sh, generate_llm_ndjson) at a small N through the real binary
// with its profile (bench/e2e/w1_llm_profile.yaml): the totals on /metrics equal what this test
// computes on its own from the generated records and the bundled prices (models.yaml read here
// with yaml-cpp; none of the sidecar's code). Requests by outcome, tokens by type and the
// duration histogram's count and sum must be exact; the cost equal to 1e-9 relative.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <utility>

#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"

namespace specwatch::testing {
namespace {

constexpr int kRecords = 20000;

// The text of `"key":` in a flat record: a string without its quotes, or a number as written.
std::string field(const std::string& line, const std::string& key) {
  const std::string marker = "\"" + key + "\":";
  const auto at = line.find(marker);
  if (at == std::string::npos) return {};
  auto begin = at + marker.size();
  if (line[begin] == '"') {
    ++begin;
    return line.substr(begin, line.find('"', begin) - begin);
  }
  const auto end = line.find_first_of(",}", begin);
  return line.substr(begin, end - begin);
}

struct Rates {
  double input = 0;
  double output = 0;
  double cache_read = 0;
};

struct Price {
  Rates base;
  long long tier_above = -1;  // -1: no tier
  Rates tier;
};

Rates rates_of(const YAML::Node& node, double fallback_input) {
  Rates rates;
  rates.input = node["input"] ? node["input"].as<double>() : fallback_input;
  rates.output = node["output"].as<double>();
  rates.cache_read = node["cache_read"] ? node["cache_read"].as<double>() : rates.input;
  return rates;
}

// provider + '/' + model → price, for the exact entries of the bundled table.
std::map<std::string, Price> bundled_prices() {
  const YAML::Node table =
      YAML::LoadFile(std::string(SPECWATCH_SOURCE_DIR) + "/sidecar/derive/pricing/models.yaml");
  std::map<std::string, Price> prices;
  for (const auto& entry : table["models"]) {
    Price price;
    price.base = rates_of(entry, 0);
    if (const auto tier = entry["tier"]) {
      price.tier_above = tier["above_input_tokens"].as<long long>();
      price.tier = rates_of(tier, 0);
    }
    prices[entry["provider"].as<std::string>() + "/" + entry["model"].as<std::string>()] = price;
  }
  return prices;
}

struct Expected {
  std::map<std::string, double> requests_by_outcome;
  std::map<std::string, double> tokens_by_type;
  std::map<std::string, double> cost_by_model;
  double cost = 0;
  double duration_sum = 0;
};

Expected compute(const std::string& path) {
  const auto prices = bundled_prices();
  Expected expected;
  std::ifstream in(path);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    const std::string key = field(line, "provider") + "/" + field(line, "model");
    const auto price = prices.find(key);
    EXPECT_NE(price, prices.end()) << key;
    if (price == prices.end()) continue;
    const long long input = std::stoll(field(line, "input_tokens"));
    const long long output = std::stoll(field(line, "output_tokens"));
    const long long cache_read = std::stoll(field(line, "cache_read_tokens"));
    expected.requests_by_outcome[field(line, "status") == "ok" ? "success" : "error"] += 1;
    expected.tokens_by_type["input"] += static_cast<double>(input);
    expected.tokens_by_type["output"] += static_cast<double>(output);
    expected.tokens_by_type["cache_read"] += static_cast<double>(cache_read);
    const Rates& rates = price->second.tier_above >= 0 && input > price->second.tier_above
                             ? price->second.tier
                             : price->second.base;
    // Input includes the cache reads: those are priced at their own rate, the rest as input.
    const double cost = static_cast<double>(input - cache_read) * rates.input +
                        static_cast<double>(cache_read) * rates.cache_read +
                        static_cast<double>(output) * rates.output;
    expected.cost_by_model[field(line, "model")] += cost;
    expected.cost += cost;
    expected.duration_sum += std::stod(field(line, "latency_ms")) / 1000.0;
  }
  EXPECT_EQ(lines, kRecords);
  return expected;
}

void expect_relative(double actual, double expected, const std::string& what) {
  EXPECT_LE(std::fabs(actual - expected), 1e-9 * std::fabs(expected))
      << what << ": " << actual << " against " << expected;
}

TEST(W1LlmExactness, TotalsEqualAnIndependentComputation) {
  TempDir dir;
  const std::string records = dir.file("records.ndjson");
  const std::string generate = "bash -c 'source \"" + std::string(SPECWATCH_SOURCE_DIR) +
                               "/bench/e2e/common.sh\" && generate_llm_ndjson " +
                               std::to_string(kRecords) + " \"" + records + "\"'";
  ASSERT_EQ(std::system(generate.c_str()), 0);
  const Expected expected = compute(records);
  // The stream has both outcomes, most of its calls successful.
  ASSERT_EQ(expected.requests_by_outcome.size(), 2u);
  ASSERT_GT(expected.requests_by_outcome.at("error"), 0);
  ASSERT_GT(expected.requests_by_outcome.at("success"), expected.requests_by_outcome.at("error"));

  std::ifstream profile(std::string(SPECWATCH_SOURCE_DIR) + "/bench/e2e/w1_llm_profile.yaml");
  const std::string profiles((std::istreambuf_iterator<char>(profile)), {});
  write_file(dir.file("specwatch.yaml"),
             test_config(dir.file("state"), ndjson_source("w1", records, "    profile: w1-llm\n"),
                         profiles));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  const std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  MetricsMap metrics;
  ASSERT_TRUE(wait_until(
      [&] {
        metrics = scrape(port);
        return sum_of(metrics, "specwatch_llm_requests_total") >= kRecords;
      },
      std::chrono::seconds(60)))
      << sidecar.log();

  EXPECT_EQ(sum_of(metrics, "specwatch_llm_requests_total"), kRecords);
  for (const auto& [outcome, count] : expected.requests_by_outcome) {
    EXPECT_EQ(sum_of(metrics, "specwatch_llm_requests_total", "outcome=\"" + outcome + "\""), count)
        << outcome;
  }
  for (const auto& [type, count] : expected.tokens_by_type) {
    EXPECT_EQ(sum_of(metrics, "specwatch_llm_tokens_total", "token_type=\"" + type + "\""), count)
        << type;
  }
  EXPECT_EQ(sum_of(metrics, "specwatch_llm_tokens_total"),
            expected.tokens_by_type.at("input") + expected.tokens_by_type.at("output") +
                expected.tokens_by_type.at("cache_read"));
  EXPECT_EQ(sum_of(metrics, "specwatch_llm_request_duration_seconds_count"), kRecords);
  expect_relative(sum_of(metrics, "specwatch_llm_request_duration_seconds_sum"),
                  expected.duration_sum, "duration sum");
  // Every model is priced: all cost is computed, none unpriced or without usage.
  expect_relative(sum_of(metrics, "specwatch_llm_cost_usd_total", "cost_source=\"computed\""),
                  expected.cost, "cost");
  EXPECT_EQ(sum_of(metrics, "specwatch_llm_cost_usd_total"),
            sum_of(metrics, "specwatch_llm_cost_usd_total", "cost_source=\"computed\""));
  EXPECT_EQ(sum_of(metrics, "specwatch_llm_unpriced_requests_total"), 0);
  EXPECT_EQ(expected.cost_by_model.size(), 9u);
  for (const auto& [model, cost] : expected.cost_by_model) {
    expect_relative(sum_of(metrics, "specwatch_llm_cost_usd_total", "model=\"" + model + "\""),
                    cost, "cost of " + model);
  }
}

}  // namespace
}  // namespace specwatch::testing
