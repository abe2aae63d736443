// The pieces of the Prometheus text exposition format (0.0.4) that every writer of /metrics text
// shares: number spelling, escaping, the HELP/TYPE lines and one sample line. The serializer of
// collected families (sidecar/observability/text_exposition.*) and the families that write their
// own text from their storage (text_exposable.h; the derived metrics) both write through these, so
// that a value or a label reads the same whichever path wrote it.
//
// Numbers are written as prometheus-cpp 1.0.1 writes them ("%.16g"), with the corrections
// sidecar/observability/text_exposition.h lists: NaN is "NaN", +Inf and -Inf are "+Inf" and "-Inf",
// and the two largest finite doubles are written in range.
#pragma once

#include <prometheus/client_metric.h>

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace specwatch::prometheus_text {

// Room for the longest number written: "-1.7976931348623157e+308" (24) or a 64-bit integer (20).
using NumberBuffer = std::array<char, 32>;

template <typename Integer>
std::string_view integer_text(NumberBuffer& buffer, Integer value) {
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return {buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data())};
}

// The text of a sample value or a bucket bound, written into `buffer` (or a constant).
std::string_view double_text(NumberBuffer& buffer, double value);

// Appends text with backslash and line break escaped (\\ and \n), and the double quote (\") when
// `escape_quote` (label values; HELP text keeps its quotes).
void append_escaped(std::string& out, std::string_view text, bool escape_quote);

// Appends one `name="value"` pair (value escaped) to a label set being built, with a comma before
// it unless the set is still empty: the form SeriesText::labels holds.
void append_label(std::string& labels, std::string_view name, std::string_view value);

// Appends "# HELP name help" (omitted when help is empty) and "# TYPE name type" (omitted when
// type is empty).
void append_family_header(std::string& out, std::string_view name, std::string_view help,
                          std::string_view type);

// What every line of one series shares: the family name, its labels already escaped and joined
// (`a="x",b="y"`, no braces, labels sorted by name) and its timestamp (0: none).
struct SeriesText {
  std::string_view name;
  std::string_view labels;
  std::int64_t timestamp_ms = 0;
};

// The label that a bucket line ("le") or a quantile line ("quantile") adds after the others.
struct ExtraLabel {
  std::string_view name;
  std::string_view value;  // a number's text: nothing to escape
};

// One sample line: name<suffix>{labels[,extra]} value [timestamp_ms]
void append_sample(std::string& out, const SeriesText& series, std::string_view suffix,
                   std::string_view value, const ExtraLabel& extra = {});

// The lines of one histogram series in prometheus-cpp's order: _count, _sum, then the buckets; a
// +Inf bucket holding every sample is added when the last bound is not +Inf. `bound_texts`, when
// it holds one text per bucket, spells the bounds (they are the same in every series of a family,
// so a writer that knows the family spells them once); otherwise each bound is formatted here.
void append_histogram(std::string& out, const SeriesText& series,
                      const prometheus::ClientMetric::Histogram& histogram,
                      std::span<const std::string> bound_texts = {});

}  // namespace specwatch::prometheus_text
