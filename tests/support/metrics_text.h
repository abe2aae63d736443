// Test helpers: render a registry as /metrics text and pick out the sample lines of one metric.
#pragma once

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
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

inline bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

}  // namespace specwatch::testing
