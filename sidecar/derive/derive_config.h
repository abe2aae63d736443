// The configuration sections of metric derivation, parsed from a YAML node into typed structs.
// The configuration loader calls these for the top-level keys `pricing` and `cardinality`:
//
//   pricing:
//     file: /etc/specwatch/pricing.yaml        # optional; same shape as pricing/models.yaml,
//                                              # replaces bundled entries of the same
//                                              # provider + model
//     rules:                                   # optional; tried after name matching
//       - match: "(?:.*/)?my-finetune-.*"      # ECMAScript regex, case-insensitive, whole name
//         provider: openai                     # optional: only for this event provider
//         model: gpt-4o-mini                   # the table entry to price it as
//   cardinality:
//     max_series_per_metric: 2000              # 1..1000000
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <vector>

#include "sidecar/derive/derive_error.h"
#include "sidecar/derive/limited_family.h"
#include "sidecar/derive/pricing.h"

namespace specwatch {

struct PricingConfig {
  std::string file;  // empty: bundled prices only
  std::vector<PricingRule> rules;
};

struct CardinalityConfig {
  std::size_t max_series_per_metric = kDefaultMaxSeriesPerMetric;
};

inline constexpr std::size_t kMaxSeriesPerMetricCeiling = 1000000;

// `node` is the value under `key_path` ("pricing"); `file` names the configuration file in errors.
// Every problem is appended to `errors` (nothing throws); `out` keeps defaults for bad keys.
void parse_pricing_config(const YAML::Node& node, const std::string& key_path,
                          const std::string& file, PricingConfig& out,
                          std::vector<DeriveError>& errors);
void parse_cardinality_config(const YAML::Node& node, const std::string& key_path,
                              const std::string& file, CardinalityConfig& out,
                              std::vector<DeriveError>& errors);

// The bundled table, overridden by `config.file` and extended by `config.rules`. Problems (an
// unreadable or invalid file, a bad regex) are appended to `errors`; on a bad user file the
// bundled prices stay in force.
PricingTable build_pricing_table(const PricingConfig& config, std::vector<DeriveError>& errors);

}  // namespace specwatch
