// The `otlp.metrics` configuration keys: how pushed OTLP metrics are held for /metrics.
//
//   otlp:
//     metrics:
//       expire_after_seconds: 300      # 1..604800; a series not updated this long disappears
//       max_series_per_metric: 2000    # 1..1000000; new series past it are dropped (counted)
//       max_series_total: 50000        # 1..10000000; over all pushed metrics
//       on_name_clash: rename          # rename | drop: a pushed metric whose name specwatch
//                                      # already exposes is renamed otlp_<name>, or dropped
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "sidecar/config/config_error.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

enum class NameClashPolicy { kRename, kDrop };

struct OtlpMetricsConfig {
  std::chrono::seconds expire_after{300};
  std::size_t max_series_per_metric = 2000;
  std::size_t max_series_total = 50000;
  NameClashPolicy on_name_clash = NameClashPolicy::kRename;

  bool operator==(const OtlpMetricsConfig&) const = default;
};

inline constexpr std::int64_t kMaxExpireAfterSeconds = 604800;
inline constexpr std::int64_t kMaxSeriesPerMetricLimit = 1000000;
inline constexpr std::int64_t kMaxSeriesTotalLimit = 10000000;

// Reads the mapping written under `key_path` ("otlp.metrics") into `out`; every problem is
// reported through `in.errors()` (file:line:column: key: message) and leaves that key's default.
void read_otlp_metrics_section(const YAML::Node& node, const std::string& key_path,
                               OtlpMetricsConfig& out, ConfigReader& in);

struct OtlpMetricsConfigResult {
  OtlpMetricsConfig config;
  std::vector<ConfigError> errors;
};

// Standalone form: reads `node` with the process environment for `${VAR}` expansion; `file`
// names the configuration file in errors.
OtlpMetricsConfigResult parse_otlp_metrics_config(const YAML::Node& node,
                                                  const std::string& key_path,
                                                  const std::string& file,
                                                  Environment env = process_environment());

}  // namespace specwatch
