// A plain C++ model of one OTLP metrics export (ExportMetricsServiceRequest), independent of the
// protobuf classes: the translator to Prometheus works on this model, and a thin adapter fills it
// from the decoded request. Only what the translation needs is kept.
//
// Attribute values are already text: OTLP AnyValue becomes a Prometheus label value in the
// adapter (string as is, bool "true"/"false", int decimal, double shortest round-trip form,
// arrays and maps as JSON). Integer number points (as_int) are carried as double.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace specwatch::otlp_model {

struct Attribute {
  std::string key;
  std::string value;
  bool operator==(const Attribute&) const = default;
};
using Attributes = std::vector<Attribute>;

enum class Temporality { kUnspecified, kDelta, kCumulative };

struct NumberPoint {
  Attributes attributes;
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  double value = 0;
};

struct HistogramPoint {
  Attributes attributes;
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  std::uint64_t count = 0;
  std::optional<double> sum;                 // absent when the recorded values may be negative
  std::vector<std::uint64_t> bucket_counts;  // explicit_bounds.size() + 1 (or empty)
  std::vector<double> explicit_bounds;       // strictly increasing
};

struct ExponentialBuckets {
  std::int32_t offset = 0;                   // index of bucket_counts[0]
  std::vector<std::uint64_t> bucket_counts;  // bucket i covers (base^i, base^(i+1)] in magnitude
};

struct ExponentialHistogramPoint {
  Attributes attributes;
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  std::uint64_t count = 0;
  std::optional<double> sum;
  std::int32_t scale = 0;  // base = 2^(2^-scale)
  std::uint64_t zero_count = 0;
  double zero_threshold = 0;  // |value| <= zero_threshold counted in zero_count
  ExponentialBuckets positive;
  ExponentialBuckets negative;
};

struct Quantile {
  double quantile = 0;  // 0..1
  double value = 0;
};

struct SummaryPoint {
  Attributes attributes;
  std::uint64_t start_time_unix_nano = 0;
  std::uint64_t time_unix_nano = 0;
  std::uint64_t count = 0;
  double sum = 0;
  std::vector<Quantile> quantiles;
};

struct Gauge {
  std::vector<NumberPoint> points;
};

struct Sum {
  std::vector<NumberPoint> points;
  Temporality temporality = Temporality::kUnspecified;
  bool monotonic = false;
};

struct Histogram {
  std::vector<HistogramPoint> points;
  Temporality temporality = Temporality::kUnspecified;
};

struct ExponentialHistogram {
  std::vector<ExponentialHistogramPoint> points;
  Temporality temporality = Temporality::kUnspecified;
};

struct Summary {
  std::vector<SummaryPoint> points;
};

// monostate: a metric whose data field is unset or of a kind this model does not know.
using MetricData =
    std::variant<std::monostate, Gauge, Sum, Histogram, ExponentialHistogram, Summary>;

struct Metric {
  std::string name;
  std::string description;
  std::string unit;  // UCUM, e.g. "s", "By/s", "1", "{request}"
  MetricData data;
};

struct ScopeMetrics {
  std::string scope_name;
  std::string scope_version;
  std::vector<Metric> metrics;
};

struct ResourceMetrics {
  Attributes resource_attributes;
  std::vector<ScopeMetrics> scope_metrics;
};

// One export request.
struct MetricsBatch {
  std::vector<ResourceMetrics> resource_metrics;
};

}  // namespace specwatch::otlp_model
