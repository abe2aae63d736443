#include "sidecar/otlp_metrics/prometheus_names.h"

#include <array>
#include <utility>

namespace specwatch {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == ':';
}

bool is_label_char(char c) {
  return is_name_char(c) && c != ':';
}

template <typename Allowed>
std::string replace_and_collapse(std::string_view text, Allowed allowed) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const char mapped = allowed(c) ? c : '_';
    if (mapped == '_' && !out.empty() && out.back() == '_') continue;
    out.push_back(mapped);
  }
  return out;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// UCUM units (the "main" part, before '/') and their Prometheus words.
constexpr std::array<std::pair<std::string_view, std::string_view>, 35> kUnits{{
    {"d", "days"},          {"h", "hours"},         {"min", "minutes"},    {"s", "seconds"},
    {"ms", "milliseconds"}, {"us", "microseconds"}, {"ns", "nanoseconds"}, {"By", "bytes"},
    {"KiBy", "kibibytes"},  {"MiBy", "mebibytes"},  {"GiBy", "gibibytes"}, {"TiBy", "tebibytes"},
    {"KBy", "kilobytes"},   {"MBy", "megabytes"},   {"GBy", "gigabytes"},  {"TBy", "terabytes"},
    {"bit", "bits"},        {"Kibit", "kibibits"},  {"Mibit", "mebibits"}, {"Gibit", "gibibits"},
    {"Kbit", "kilobits"},   {"Mbit", "megabits"},   {"Gbit", "gigabits"},  {"m", "meters"},
    {"V", "volts"},         {"A", "amperes"},       {"J", "joules"},       {"W", "watts"},
    {"g", "grams"},         {"Cel", "celsius"},     {"Hz", "hertz"},       {"%", "percent"},
    {"kg", "kilograms"},    {"km", "kilometers"},   {"USD", "usd"},
}};

// The unit after '/' ("per" part): singular words, "m" is a minute here.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kPerUnits{{
    {"s", "second"},
    {"m", "minute"},
    {"min", "minute"},
    {"h", "hour"},
    {"d", "day"},
    {"w", "week"},
    {"mo", "month"},
    {"y", "year"},
}};

template <std::size_t N>
std::string lookup(const std::array<std::pair<std::string_view, std::string_view>, N>& table,
                   std::string_view unit) {
  for (const auto& [ucum, words] : table) {
    if (ucum == unit && !words.empty()) return std::string(words);
  }
  // Not in the table: the unit itself, made a valid name part.
  std::string out = replace_and_collapse(unit, is_label_char);
  while (!out.empty() && out.front() == '_') out.erase(out.begin());
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

// "By{transmitted}/s" → "By/s": UCUM annotations in braces carry no unit.
std::string strip_annotations(std::string_view unit) {
  std::string out;
  int depth = 0;
  for (char c : unit) {
    if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (depth > 0) --depth;
    } else if (depth == 0 && c != ' ') {
      out.push_back(c);
    }
  }
  return out;
}

bool ends_with_word(const std::string& name, const std::string& word) {
  if (word.empty()) return true;
  if (name == word) return true;
  return name.size() > word.size() && name.ends_with(word) &&
         name[name.size() - word.size() - 1] == '_';
}

}  // namespace

std::string sanitize_metric_name(std::string_view name) {
  std::string out = replace_and_collapse(name, is_name_char);
  while (!out.empty() && out.front() == '_') out.erase(out.begin());
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (!out.empty() && is_digit(out.front())) out.insert(out.begin(), '_');
  return out;
}

std::string sanitize_label_name(std::string_view key) {
  if (key.empty()) return {};
  std::string out = replace_and_collapse(key, is_label_char);
  if (is_digit(out.front())) return "key_" + out;
  if (out.front() == '_') return "key" + out;
  return out;
}

std::string unit_suffix(std::string_view unit, PromKind kind) {
  const std::string plain = strip_annotations(unit);
  if (plain.empty()) return {};
  if (plain == "1") return kind == PromKind::kGauge ? "ratio" : "";
  const auto slash = plain.find('/');
  const std::string_view main = std::string_view(plain).substr(0, slash);
  std::string out = main == "1" ? std::string() : lookup(kUnits, main);
  if (slash != std::string::npos) {
    const std::string per = lookup(kPerUnits, std::string_view(plain).substr(slash + 1));
    if (!per.empty()) out += (out.empty() ? "per_" : "_per_") + per;
  }
  return out;
}

std::string prometheus_metric_name(std::string_view name, std::string_view unit, PromKind kind) {
  std::string out = sanitize_metric_name(name);
  if (out.empty()) return out;
  const std::string suffix = unit_suffix(unit, kind);
  if (!suffix.empty() && !ends_with_word(out, suffix)) {
    // "net.io.bytes" with unit By/s: only the missing "per_second" is added.
    const auto per = suffix.find("per_");
    if (per != std::string::npos && per > 0 && ends_with_word(out, suffix.substr(0, per - 1))) {
      out += "_" + suffix.substr(per);
    } else {
      out += "_" + suffix;
    }
  }
  if (kind == PromKind::kCounter && !ends_with_word(out, "total")) out += "_total";
  return out;
}

}  // namespace specwatch
