// Test helpers over Prometheus text exposition, shared by unit and integration tests: render a
// registry, pick out the sample lines of one metric, or parse the text into "series → value"
// (a series written exactly as rendered: name{label="value",...}, labels sorted as prometheus-cpp
// renders them).
#pragma once

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace specwatch::testing {

inline std::string render(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

// Sample lines whose metric name is exactly `metric`, sorted (series order is unspecified).
inline std::vector<std::string> samples(const std::string& text, const std::string& metric) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(metric + "{", 0) == 0 || line.rfind(metric + " ", 0) == 0) out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

using MetricsMap = std::map<std::string, double>;

inline MetricsMap parse_metrics(const std::string& text) {
  MetricsMap out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)] = std::strtod(line.c_str() + space + 1, nullptr);
  }
  return out;
}

// The value of a series, or nullopt when absent.
inline std::optional<double> value_of(const MetricsMap& metrics, const std::string& series) {
  auto it = metrics.find(series);
  if (it == metrics.end()) return std::nullopt;
  return it->second;
}

// Sum of every series of `name` whose rendering contains the given label fragment (e.g.
// source="x").
inline double sum_of(const MetricsMap& metrics, const std::string& name,
                     const std::string& label_fragment = "") {
  double total = 0;
  for (const auto& [series, value] : metrics) {
    if (series.compare(0, name.size(), name) != 0) continue;
    if (series.size() > name.size() && series[name.size()] != '{') continue;
    if (!label_fragment.empty() && series.find(label_fragment) == std::string::npos) continue;
    total += value;
  }
  return total;
}

inline bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

}  // namespace specwatch::testing
