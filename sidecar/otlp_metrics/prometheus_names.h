// OTLP metric names, units and attribute keys translated to Prometheus names (the rules are
// documented in docs/OTLP_METRICS.md, with their reasons).
#pragma once

#include <string>
#include <string_view>

namespace specwatch {

// What kind of Prometheus family an OTLP metric becomes; the unit and `_total` suffixes depend
// on it.
enum class PromKind {
  kGauge,      // OTLP Gauge
  kUpDown,     // non-monotonic Sum: a Prometheus gauge, but no "ratio" suffix for unit "1"
  kCounter,    // monotonic Sum: `_total`
  kHistogram,  // Histogram and ExponentialHistogram
  kSummary,
};

// Every character outside [a-zA-Z0-9_:] becomes '_', runs of '_' collapse into one, leading and
// trailing '_' are removed, and a leading digit gets a '_' prefix. Empty when nothing is left.
std::string sanitize_metric_name(std::string_view name);

// The same replacement and collapsing for an attribute key; a key starting with a digit gets a
// "key_" prefix, one starting with '_' a "key" prefix (labels starting with "__" are reserved by
// Prometheus). Empty for an empty key.
std::string sanitize_label_name(std::string_view key);

// The name words a UCUM unit adds: "s" → "seconds", "By/s" → "bytes_per_second", "1" → "ratio"
// (gauges only), "{request}" → "". Units not in the table are used sanitized ("Cel" →
// "celsius" is in the table; "widgets" stays "widgets").
std::string unit_suffix(std::string_view unit, PromKind kind);

// The full family name: sanitized name + unit words (not repeated when the name already ends
// with them) + "_total" for counters. Empty when the name is invalid.
std::string prometheus_metric_name(std::string_view name, std::string_view unit, PromKind kind);

}  // namespace specwatch
