// The value of one series in a prometheus-cpp registry, for tests: a counter's or gauge's value
// with exactly these labels, or nullopt when there is no such series.
#pragma once

#include <prometheus/registry.h>

#include <map>
#include <optional>
#include <string>

namespace specwatch::testing {

inline std::optional<double> metric_sample(prometheus::Registry& registry, const std::string& name,
                                           const std::map<std::string, std::string>& labels) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> got;
      for (const auto& pair : metric.label) got[pair.name] = pair.value;
      if (got != labels) continue;
      return family.type == prometheus::MetricType::Gauge ? metric.gauge.value
                                                          : metric.counter.value;
    }
  }
  return std::nullopt;
}

}  // namespace specwatch::testing
