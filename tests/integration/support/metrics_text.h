// Parses Prometheus text exposition into "series → value", where a series is written exactly as
// rendered: name{label="value",...} (labels in the order prometheus-cpp renders them: sorted).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace specwatch::testing {

using MetricsMap = std::map<std::string, double>;

MetricsMap parse_metrics(const std::string& text);

// Scrapes /metrics; empty map when the sidecar does not answer.
MetricsMap scrape(std::uint16_t port);

// The value of a series, or nullopt when absent.
std::optional<double> value_of(const MetricsMap& metrics, const std::string& series);

// Sum of every series of `name` whose rendering contains each of the given label fragments
// (e.g. source="x").
double sum_of(const MetricsMap& metrics, const std::string& name,
              const std::string& label_fragment = "");

}  // namespace specwatch::testing
