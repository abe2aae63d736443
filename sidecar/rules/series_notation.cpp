#include "sidecar/rules/series_notation.h"

#include <cctype>
#include <cmath>
#include <limits>

#include "sidecar/core/ascii.h"
#include "sidecar/rules/sample.h"

namespace specwatch::rules {
namespace {

// A decimal number with optional sign and exponent, or Inf / NaN; never hex (x is "times").
std::optional<double> scan_number(std::string_view item, size_t& pos) {
  size_t start = pos;
  if (pos < item.size() && (item[pos] == '+' || item[pos] == '-')) ++pos;
  for (std::string_view word : {"Inf", "NaN"}) {
    if (ascii_iequals(item.substr(pos, 3), word)) {
      pos += 3;
      double v = word == "Inf" ? std::numeric_limits<double>::infinity() : std::nan("");
      return item[start] == '-' ? -v : v;
    }
  }
  size_t digits = pos;
  while (pos < item.size() &&
         (std::isdigit(static_cast<unsigned char>(item[pos])) || item[pos] == '.'))
    ++pos;
  if (pos == digits) return std::nullopt;
  if (pos < item.size() && (item[pos] == 'e' || item[pos] == 'E')) {
    size_t save = pos++;
    if (pos < item.size() && (item[pos] == '+' || item[pos] == '-')) ++pos;
    size_t exp_digits = pos;
    while (pos < item.size() && std::isdigit(static_cast<unsigned char>(item[pos]))) ++pos;
    if (pos == exp_digits) pos = save;
  }
  std::string text(item.substr(start, pos - start));
  return std::strtod(text.c_str(), nullptr);
}

std::optional<uint64_t> scan_count(std::string_view item, size_t& pos) {
  size_t start = pos;
  uint64_t n = 0;
  while (pos < item.size() && std::isdigit(static_cast<unsigned char>(item[pos])))
    n = n * 10 + static_cast<uint64_t>(item[pos++] - '0');
  if (pos == start) return std::nullopt;
  return n;
}

}  // namespace

SeriesValues parse_series_values(std::string_view text) {
  SeriesValues out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    size_t end = i;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    std::string_view item = text.substr(i, end - i);
    i = end;
    auto bad = [&](const std::string& why) {
      out.error = "bad series value \"" + std::string(item) + "\": " + why;
      out.values.clear();
      return out;
    };
    if (item == "stale") {
      out.values.emplace_back(stale_nan());
      continue;
    }
    size_t pos = 0;
    if (item[0] == '_') {
      pos = 1;
      uint64_t n = 1;
      if (pos < item.size()) {
        if (item[pos] != 'x') return bad("expected x after _");
        ++pos;
        auto count = scan_count(item, pos);
        if (!count || pos != item.size()) return bad("expected a count after x");
        n = *count;
      }
      for (uint64_t k = 0; k < n; ++k) out.values.emplace_back(std::nullopt);
      continue;
    }
    auto value = scan_number(item, pos);
    if (!value) return bad("expected a number");
    if (pos == item.size()) {
      out.values.emplace_back(*value);
      continue;
    }
    double step = 0.0;
    bool has_step = false;
    if (item[pos] == '+' || item[pos] == '-') {
      auto d = scan_number(item, pos);
      if (!d) return bad("expected a number after the sign");
      step = *d;
      has_step = true;
    }
    if (pos >= item.size() || item[pos] != 'x') return bad("expected x");
    ++pos;
    auto count = scan_count(item, pos);
    if (!count || pos != item.size()) return bad("expected a count after x");
    double v = *value;
    out.values.emplace_back(v);
    for (uint64_t k = 1; k <= *count; ++k) {
      if (has_step) v += step;
      out.values.emplace_back(v);
    }
  }
  return out;
}

}  // namespace specwatch::rules
