#include "sidecar/observability/text_exposition.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

namespace specwatch {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// Room for the longest number written: "-1.7976931348623157e+308" (24) or a 64-bit integer (20).
using NumberBuffer = std::array<char, 32>;

template <typename Integer>
std::string_view integer_text(NumberBuffer& buffer, Integer value) {
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return {buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data())};
}

// Doubles below 1e16 in magnitude with no fraction: exactly what "%.16g" writes without an
// exponent and without a decimal point, so the integer conversion gives the same text faster.
// Negative zero is left to the general path, which keeps its sign ("-0") as prometheus-cpp does.
bool is_plain_integer(double value) {
  if (!(std::fabs(value) < 1e16)) return false;
  const auto integer = static_cast<std::int64_t>(value);
  return static_cast<double>(integer) == value && (integer != 0 || !std::signbit(value));
}

// Above this, 16 significant digits round up to 1.797693134862316e+308, larger than the largest
// double, which a parser (Go's ParseFloat in Prometheus) rejects as out of range.
constexpr double kLargestSafeAt16Digits = 0x1.ffffffffffffdp+1023;

// prometheus-cpp writes a double through an ostream with precision max_digits10 - 1 = 16 and the
// default float field, i.e. printf's "%.16g"; to_chars in general format with the same precision
// is specified to write the same text. 16 digits do not always round-trip a double (0.1 + 0.2,
// 0.30000000000000004, is written as 0.3). Kept for byte-identical output: the error is at most
// half a unit in the 16th digit, below what the sums and rates computed from these values show.
std::string_view double_text(NumberBuffer& buffer, double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value < 0 ? "-Inf" : "+Inf";
  if (is_plain_integer(value)) return integer_text(buffer, static_cast<std::int64_t>(value));
  char* const first = buffer.data();
  char* const last = first + buffer.size();
  const auto result = std::fabs(value) > kLargestSafeAt16Digits
                          ? std::to_chars(first, last, value)
                          : std::to_chars(first, last, value, std::chars_format::general, 16);
  return {first, static_cast<std::size_t>(result.ptr - first)};
}

// Appends text with backslash and line break escaped (\\ and \n), and the double quote (\") when
// `escape_quote` (label values; HELP text keeps its quotes). Runs of plain characters are copied
// whole.
void append_escaped(std::string& out, std::string_view text, bool escape_quote) {
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\\' && c != '\n' && (c != '"' || !escape_quote)) continue;
    out.append(text.data() + run_start, i - run_start);
    out += '\\';
    out += c == '\n' ? 'n' : c;
    run_start = i + 1;
  }
  out.append(text.data() + run_start, text.size() - run_start);
}

// What every line of one ClientMetric shares: the family name, the metric's labels, already
// escaped (`a="x",b="y"`, no braces), and its timestamp (0: none).
struct Series {
  std::string_view name;
  std::string_view labels;
  std::int64_t timestamp_ms = 0;
};

// The label that a bucket line ("le") or a quantile line ("quantile") adds after the others.
struct ExtraLabel {
  std::string_view name;
  std::string_view value;  // a number's text: nothing to escape
};

void append_label_set(std::string& out, const Series& series, const ExtraLabel& extra) {
  const bool has_extra = !extra.name.empty();
  if (series.labels.empty() && !has_extra) return;
  out += '{';
  out += series.labels;
  if (has_extra) {
    if (!series.labels.empty()) out += ',';
    out += extra.name;
    out += "=\"";
    out += extra.value;
    out += '"';
  }
  out += '}';
}

// One sample line: name{labels} value [timestamp_ms]
void append_sample(std::string& out, const Series& series, std::string_view suffix,
                   std::string_view value, const ExtraLabel& extra = {}) {
  out += series.name;
  out += suffix;
  append_label_set(out, series, extra);
  out += ' ';
  out += value;
  if (series.timestamp_ms != 0) {
    NumberBuffer buffer;
    out += ' ';
    out += integer_text(buffer, series.timestamp_ms);
  }
  out += '\n';
}

// prometheus-cpp's order: _count, _sum, then the buckets; a +Inf bucket holding every sample is
// added when the last bound is not +Inf.
void append_histogram(std::string& out, const Series& series,
                      const ClientMetric::Histogram& histogram) {
  NumberBuffer number;
  NumberBuffer bound;
  append_sample(out, series, "_count", integer_text(number, histogram.sample_count));
  append_sample(out, series, "_sum", double_text(number, histogram.sample_sum));
  double last_bound = -std::numeric_limits<double>::infinity();
  for (const auto& bucket : histogram.bucket) {
    append_sample(out, series, "_bucket", integer_text(number, bucket.cumulative_count),
                  {"le", double_text(bound, bucket.upper_bound)});
    last_bound = bucket.upper_bound;
  }
  if (last_bound != std::numeric_limits<double>::infinity()) {
    append_sample(out, series, "_bucket", integer_text(number, histogram.sample_count),
                  {"le", "+Inf"});
  }
}

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
      append_histogram(out, series, metric.histogram);
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
  if (!family.help.empty()) {
    out += "# HELP ";
    out += family.name;
    out += ' ';
    append_escaped(out, family.help, /*escape_quote=*/false);
    out += '\n';
  }
  const std::string_view type = type_name(family.type);
  if (type.empty()) return;
  out += "# TYPE ";
  out += family.name;
  out += ' ';
  out += type;
  out += '\n';
  for (const auto& metric : family.metric) {
    labels.clear();
    for (const auto& label : metric.label) {
      if (!labels.empty()) labels += ',';
      labels += label.name;
      labels += "=\"";
      append_escaped(labels, label.value, /*escape_quote=*/true);
      labels += '"';
    }
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

std::string serialize_text_exposition(std::span<const MetricFamily> families) {
  std::string out;
  out.reserve(estimated_size(families));
  std::string labels;
  for (const auto& family : families) append_family(out, labels, family);
  return out;
}

}  // namespace specwatch
