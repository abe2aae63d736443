#include "sidecar/otlp_metrics/otlp_metrics_config.h"

#include <utility>

namespace specwatch {

void read_otlp_metrics_section(const YAML::Node& node, const std::string& key_path,
                               OtlpMetricsConfig& out, ConfigReader& in) {
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(
      node, key_path,
      {"expire_after_seconds", "max_series_per_metric", "max_series_total", "on_name_clash"});
  if (const YAML::Node value = node["expire_after_seconds"]) {
    const auto key = ConfigReader::join(key_path, "expire_after_seconds");
    if (auto seconds = in.read_int(value, key, 1, kMaxExpireAfterSeconds)) {
      out.expire_after = std::chrono::seconds(*seconds);
    }
  }
  if (const YAML::Node value = node["max_series_per_metric"]) {
    const auto key = ConfigReader::join(key_path, "max_series_per_metric");
    if (auto limit = in.read_int(value, key, 1, kMaxSeriesPerMetricLimit)) {
      out.max_series_per_metric = static_cast<std::size_t>(*limit);
    }
  }
  if (const YAML::Node value = node["max_series_total"]) {
    const auto key = ConfigReader::join(key_path, "max_series_total");
    if (auto limit = in.read_int(value, key, 1, kMaxSeriesTotalLimit)) {
      out.max_series_total = static_cast<std::size_t>(*limit);
    }
  }
  if (const YAML::Node value = node["on_name_clash"]) {
    const auto key = ConfigReader::join(key_path, "on_name_clash");
    if (auto policy = in.read_enum<NameClashPolicy>(
            value, key, {{"rename", NameClashPolicy::kRename}, {"drop", NameClashPolicy::kDrop}})) {
      out.on_name_clash = *policy;
    }
  }
}

OtlpMetricsConfigResult parse_otlp_metrics_config(const YAML::Node& node,
                                                  const std::string& key_path,
                                                  const std::string& file, Environment env) {
  OtlpMetricsConfigResult result;
  ErrorCollector errors(file);
  ConfigReader reader(errors, std::move(env), ".");
  try {
    read_otlp_metrics_section(node, key_path, result.config, reader);
  } catch (const YAML::Exception& e) {
    errors.add(e.mark, key_path, e.msg);
  }
  result.errors = errors.take();
  return result;
}

}  // namespace specwatch
