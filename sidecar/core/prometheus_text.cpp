#include "sidecar/core/prometheus_text.h"

#include <cmath>
#include <limits>

namespace specwatch::prometheus_text {
namespace {

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

}  // namespace

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

// Runs of plain characters are copied whole.
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

void append_label(std::string& labels, std::string_view name, std::string_view value) {
  if (!labels.empty()) labels += ',';
  labels += name;
  labels += "=\"";
  append_escaped(labels, value, /*escape_quote=*/true);
  labels += '"';
}

void append_family_header(std::string& out, std::string_view name, std::string_view help,
                          std::string_view type) {
  if (!help.empty()) {
    out += "# HELP ";
    out += name;
    out += ' ';
    append_escaped(out, help, /*escape_quote=*/false);
    out += '\n';
  }
  if (type.empty()) return;
  out += "# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

namespace {

void append_label_set(std::string& out, const SeriesText& series, const ExtraLabel& extra) {
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

}  // namespace

void append_sample(std::string& out, const SeriesText& series, std::string_view suffix,
                   std::string_view value, const ExtraLabel& extra) {
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

void append_histogram(std::string& out, const SeriesText& series,
                      const prometheus::ClientMetric::Histogram& histogram,
                      std::span<const std::string> bound_texts) {
  NumberBuffer number;
  NumberBuffer bound;
  const bool spelled = bound_texts.size() == histogram.bucket.size();
  append_sample(out, series, "_count", integer_text(number, histogram.sample_count));
  append_sample(out, series, "_sum", double_text(number, histogram.sample_sum));
  double last_bound = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < histogram.bucket.size(); ++i) {
    const auto& bucket = histogram.bucket[i];
    const std::string_view le =
        spelled ? std::string_view(bound_texts[i]) : double_text(bound, bucket.upper_bound);
    append_sample(out, series, "_bucket", integer_text(number, bucket.cumulative_count),
                  {"le", le});
    last_bound = bucket.upper_bound;
  }
  if (last_bound != std::numeric_limits<double>::infinity()) {
    append_sample(out, series, "_bucket", integer_text(number, histogram.sample_count),
                  {"le", "+Inf"});
  }
}

}  // namespace specwatch::prometheus_text
