#include "tests/integration/support/metrics_text.h"

#include <cstdlib>
#include <sstream>

#include "tests/integration/support/http_client.h"

namespace specwatch::testing {

MetricsMap parse_metrics(const std::string& text) {
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

MetricsMap scrape(std::uint16_t port) {
  HttpResult r = http_get(port, "/metrics");
  if (r.status != 200) return {};
  return parse_metrics(r.body);
}

std::optional<double> value_of(const MetricsMap& metrics, const std::string& series) {
  auto it = metrics.find(series);
  if (it == metrics.end()) return std::nullopt;
  return it->second;
}

double sum_of(const MetricsMap& metrics, const std::string& name,
              const std::string& label_fragment) {
  double total = 0;
  for (const auto& [series, value] : metrics) {
    if (series.compare(0, name.size(), name) != 0) continue;
    if (series.size() > name.size() && series[name.size()] != '{') continue;
    if (!label_fragment.empty() && series.find(label_fragment) == std::string::npos) continue;
    total += value;
  }
  return total;
}

}  // namespace specwatch::testing
