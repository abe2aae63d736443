#include "sidecar/observability/text_exposition.h"

#include <string_view>

#include "sidecar/core/prometheus_text.h"

namespace specwatch {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using prometheus_text::append_sample;
using prometheus_text::double_text;
using prometheus_text::integer_text;
using prometheus_text::NumberBuffer;
using Series = prometheus_text::SeriesText;

// prometheus-cpp's order: _count, _sum, then one line per quantile.
void append_summary(std::string& out, const Series& series, const ClientMetric::Summary& summary) {
  NumberBuffer number;
  NumberBuffer quantile;
  append_sample(out, series, "_count", integer_text(number, summary.sample_count));
  append_sample(out, series, "_sum", double_text(number, summary.sample_sum));
  for (const auto& q : summary.quantile) {
    append_sample(out, series, "", double_text(number, q.value),
                  {"quantile", double_text(quantile, q.quantile)});
  }
}

void append_metric(std::string& out, MetricType type, const Series& series,
                   const ClientMetric& metric) {
  NumberBuffer number;
  switch (type) {
    case MetricType::Counter:
      append_sample(out, series, "", double_text(number, metric.counter.value));
      break;
    case MetricType::Gauge:
      append_sample(out, series, "", double_text(number, metric.gauge.value));
      break;
    case MetricType::Untyped:
      append_sample(out, series, "", double_text(number, metric.untyped.value));
      break;
    case MetricType::Histogram:
      prometheus_text::append_histogram(out, series, metric.histogram);
      break;
    case MetricType::Summary:
      append_summary(out, series, metric.summary);
      break;
  }
}

// Empty for a value outside the enumeration, for which prometheus-cpp writes the HELP line only.
std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Summary:
      return "summary";
    case MetricType::Untyped:
      return "untyped";
    case MetricType::Histogram:
      return "histogram";
  }
  return {};
}

// `labels` is scratch space shared by all series, so that escaping them costs no allocation
// once it has grown to the longest label set.
void append_family(std::string& out, std::string& labels, const MetricFamily& family) {
  const std::string_view type = type_name(family.type);
  prometheus_text::append_family_header(out, family.name, family.help, type);
  if (type.empty()) return;
  for (const auto& metric : family.metric) {
    labels.clear();
    for (const auto& label : metric.label)
      prometheus_text::append_label(labels, label.name, label.value);
    append_metric(out, family.type, {family.name, labels, metric.timestamp_ms}, metric);
  }
}

std::size_t lines_of(MetricType type, const ClientMetric& metric) {
  switch (type) {
    case MetricType::Histogram:
      return metric.histogram.bucket.size() + 3;  // _count, _sum, maybe an added +Inf bucket
    case MetricType::Summary:
      return metric.summary.quantile.size() + 2;
    default:
      return 1;
  }
}

// Typical text of a sample line besides its name and labels: a suffix, braces, an le label, the
// value, a line break.
constexpr std::size_t kLineExtraBytes = 32;

// Close to the size of the text (it is not worth an exact count), so that the string grows once.
std::size_t estimated_size(std::span<const MetricFamily> families) {
  std::size_t total = 0;
  for (const auto& family : families) {
    total += 2 * family.name.size() + family.help.size() + 32;  // the HELP and TYPE lines
    for (const auto& metric : family.metric) {
      std::size_t line = family.name.size() + kLineExtraBytes;
      for (const auto& label : metric.label) line += label.name.size() + label.value.size() + 4;
      total += line * lines_of(family.type, metric);
    }
  }
  return total;
}

}  // namespace

void append_text_exposition(std::string& out, std::span<const MetricFamily> families) {
  out.reserve(out.size() + estimated_size(families));
  std::string labels;
  for (const auto& family : families) append_family(out, labels, family);
}

std::string serialize_text_exposition(std::span<const MetricFamily> families) {
  std::string out;
  append_text_exposition(out, families);
  return out;
}

}  // namespace specwatch
