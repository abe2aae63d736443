// The function table and the functions over instant vectors and scalars.
#include "sidecar/rules/promql_functions.h"

#include <algorithm>
#include <cmath>
#include <regex>

#include "sidecar/rules/promql_evaluator.h"
#include "sidecar/rules/promql_operators.h"
#include "sidecar/rules/promql_quantile.h"
#include "sidecar/rules/promql_range_functions.h"

namespace specwatch::rules {
namespace {

using VT = ValueType;

// Applies `f` to every element's value, dropping the metric name as Prometheus does for every
// function that changes the value.
template <typename F>
FunctionResult map_values(const FunctionArgs& args, F f) {
  FunctionResult out;
  out.vector.reserve(args.vectors[0].size());
  for (const auto& e : args.vectors[0]) {
    out.vector.push_back(VectorElement{e.labels.without_metric_name(), f(e.v), args.now});
  }
  return out;
}

FunctionResult fn_abs(const FunctionArgs& a) {
  return map_values(a, [](double v) { return std::fabs(v); });
}
FunctionResult fn_ceil(const FunctionArgs& a) {
  return map_values(a, [](double v) { return std::ceil(v); });
}
FunctionResult fn_floor(const FunctionArgs& a) {
  return map_values(a, [](double v) { return std::floor(v); });
}
FunctionResult fn_exp(const FunctionArgs& a) {
  return map_values(a, [](double v) { return std::exp(v); });
}
FunctionResult fn_ln(const FunctionArgs& a) {
  return map_values(a, [](double v) { return std::log(v); });
}
FunctionResult fn_log2(const FunctionArgs& a) {
  return map_values(a, [](double v) { return std::log2(v); });
}
FunctionResult fn_log10(const FunctionArgs& a) {
  return map_values(a, [](double v) { return std::log10(v); });
}
FunctionResult fn_sqrt(const FunctionArgs& a) {
  return map_values(a, [](double v) { return std::sqrt(v); });
}

FunctionResult fn_round(const FunctionArgs& a) {
  double to_nearest = a.call->args.size() > 1 ? a.scalars[1] : 1.0;
  // Dividing by the inverse is more precise than multiplying (Prometheus' own choice).
  double inverse = 1.0 / to_nearest;
  return map_values(a, [inverse](double v) { return std::floor(v * inverse + 0.5) / inverse; });
}

FunctionResult fn_clamp(const FunctionArgs& a) {
  double min = a.scalars[1];
  double max = a.scalars[2];
  if (max < min) return {};
  return map_values(a, [=](double v) { return go_max(min, go_min(max, v)); });
}

FunctionResult fn_clamp_min(const FunctionArgs& a) {
  double min = a.scalars[1];
  return map_values(a, [=](double v) { return go_max(min, v); });
}

FunctionResult fn_clamp_max(const FunctionArgs& a) {
  double max = a.scalars[1];
  return map_values(a, [=](double v) { return go_min(max, v); });
}

FunctionResult fn_vector(const FunctionArgs& a) {
  FunctionResult out;
  out.vector.push_back(VectorElement{Labels(), a.scalars[0], a.now});
  return out;
}

FunctionResult fn_scalar(const FunctionArgs& a) {
  FunctionResult out;
  out.is_scalar = true;
  out.scalar = a.vectors[0].size() == 1 ? a.vectors[0][0].v : std::nan("");
  return out;
}

FunctionResult fn_time(const FunctionArgs& a) {
  FunctionResult out;
  out.is_scalar = true;
  out.scalar = static_cast<double>(a.now) / 1000;
  return out;
}

FunctionResult fn_timestamp(const FunctionArgs& a) {
  FunctionResult out;
  for (const auto& e : a.vectors[0]) {
    out.vector.push_back(
        VectorElement{e.labels.without_metric_name(), static_cast<double>(e.t) / 1000, a.now});
  }
  return out;
}

FunctionResult fn_sort(const FunctionArgs& a) {
  FunctionResult out;
  out.vector = a.vectors[0];
  return out;
}

FunctionResult fn_absent(const FunctionArgs& a) {
  FunctionResult out;
  if (!a.vectors[0].empty()) return out;
  Labels labels;
  // The equality matchers of a plain selector name the missing series; a label matched twice
  // with = is left out, as in Prometheus.
  if (const auto* selector = std::get_if<VectorSelector>(&a.call->args[0]->node)) {
    std::vector<std::string> repeated;
    for (const auto& m : selector->matchers) {
      if (m.type() != MatchType::kEqual || m.name() == kMetricNameLabel) continue;
      if (labels.has(m.name()) ||
          std::find(repeated.begin(), repeated.end(), m.name()) != repeated.end()) {
        labels.erase(m.name());
        repeated.push_back(m.name());
        continue;
      }
      labels.set(m.name(), m.value());
    }
  }
  out.vector.push_back(VectorElement{std::move(labels), 1.0, a.now});
  return out;
}

// Go's regexp.Expand: $1, ${1}, $name (longest run of letters, digits and _), $$.
std::string expand_template(const std::string& tmpl, const std::smatch& match) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '$' || i + 1 >= tmpl.size()) {
      out += tmpl[i];
      continue;
    }
    if (tmpl[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::string name;
    size_t end;
    if (tmpl[i + 1] == '{') {
      end = tmpl.find('}', i + 2);
      if (end == std::string::npos) {
        out += tmpl[i];
        continue;
      }
      name = tmpl.substr(i + 2, end - i - 2);
    } else {
      end = i + 1;
      while (end < tmpl.size() &&
             (std::isalnum(static_cast<unsigned char>(tmpl[end])) || tmpl[end] == '_'))
        ++end;
      name = tmpl.substr(i + 1, end - i - 1);
      --end;
    }
    if (name.empty()) {
      out += tmpl[i];
      continue;
    }
    if (std::all_of(name.begin(), name.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      size_t group = std::stoul(name);
      if (group < match.size()) out += match[group].str();
    }
    // Named groups are not supported by std::regex: they expand to nothing.
    i = end;
  }
  return out;
}

FunctionResult fn_label_replace(const FunctionArgs& a) {
  const std::string& dst = a.strings[1];
  const std::string& replacement = a.strings[2];
  const std::string& src = a.strings[3];
  const std::string& pattern = a.strings[4];
  std::regex regex;
  try {
    regex = std::regex("^(?:" + pattern + ")$");
  } catch (const std::regex_error& e) {
    throw EvalError("invalid regular expression in label_replace(): " + pattern);
  }
  if (!is_valid_label_name(dst))
    throw EvalError("invalid destination label name in label_replace(): " + dst);
  FunctionResult out;
  for (const auto& e : a.vectors[0]) {
    std::string value(e.labels.get(src));
    std::smatch match;
    VectorElement result{e.labels, e.v, a.now};
    if (std::regex_match(value, match, regex)) {
      result.labels.set(dst, expand_template(replacement, match));
    }
    out.vector.push_back(std::move(result));
  }
  return out;
}

FunctionResult fn_histogram_quantile(const FunctionArgs& a) {
  double q = a.scalars[0];
  struct Group {
    Labels labels;
    std::vector<Bucket> buckets;
  };
  std::vector<Group> groups;
  std::unordered_map<std::string, size_t> index;
  for (const auto& e : a.vectors[1]) {
    std::string le(e.labels.get("le"));
    if (le.empty()) continue;
    char* end = nullptr;
    double bound = std::strtod(le.c_str(), &end);
    if (end != le.c_str() + le.size()) continue;  // an unparsable le is ignored
    Labels key = e.labels;
    key.erase("le");
    std::string sig =
        matching_signature(key, false, {}) + "\xfd" + std::string(key.get(kMetricNameLabel));
    auto [it, inserted] = index.try_emplace(sig, groups.size());
    if (inserted) groups.push_back(Group{key.without_metric_name(), {}});
    groups[it->second].buckets.push_back(Bucket{bound, e.v});
  }
  FunctionResult out;
  for (auto& g : groups) {
    out.vector.push_back(
        VectorElement{std::move(g.labels), bucket_quantile(q, std::move(g.buckets)), a.now});
  }
  return out;
}

const std::vector<FunctionInfo>& function_table() {
  static const std::vector<FunctionInfo> table = {
      {"abs", {VT::kVector}, 0, VT::kVector, fn_abs},
      {"absent", {VT::kVector}, 0, VT::kVector, fn_absent},
      {"avg_over_time", {VT::kMatrix}, 0, VT::kVector, fn_avg_over_time},
      {"ceil", {VT::kVector}, 0, VT::kVector, fn_ceil},
      {"changes", {VT::kMatrix}, 0, VT::kVector, fn_changes},
      {"clamp", {VT::kVector, VT::kScalar, VT::kScalar}, 0, VT::kVector, fn_clamp},
      {"clamp_max", {VT::kVector, VT::kScalar}, 0, VT::kVector, fn_clamp_max},
      {"clamp_min", {VT::kVector, VT::kScalar}, 0, VT::kVector, fn_clamp_min},
      {"count_over_time", {VT::kMatrix}, 0, VT::kVector, fn_count_over_time},
      {"delta", {VT::kMatrix}, 0, VT::kVector, fn_delta},
      {"deriv", {VT::kMatrix}, 0, VT::kVector, fn_deriv},
      {"exp", {VT::kVector}, 0, VT::kVector, fn_exp},
      {"floor", {VT::kVector}, 0, VT::kVector, fn_floor},
      {"histogram_quantile", {VT::kScalar, VT::kVector}, 0, VT::kVector, fn_histogram_quantile},
      {"idelta", {VT::kMatrix}, 0, VT::kVector, fn_idelta},
      {"increase", {VT::kMatrix}, 0, VT::kVector, fn_increase},
      {"irate", {VT::kMatrix}, 0, VT::kVector, fn_irate},
      {"label_replace",
       {VT::kVector, VT::kString, VT::kString, VT::kString, VT::kString},
       0,
       VT::kVector,
       fn_label_replace},
      {"last_over_time", {VT::kMatrix}, 0, VT::kVector, fn_last_over_time},
      {"ln", {VT::kVector}, 0, VT::kVector, fn_ln},
      {"log10", {VT::kVector}, 0, VT::kVector, fn_log10},
      {"log2", {VT::kVector}, 0, VT::kVector, fn_log2},
      {"max_over_time", {VT::kMatrix}, 0, VT::kVector, fn_max_over_time},
      {"min_over_time", {VT::kMatrix}, 0, VT::kVector, fn_min_over_time},
      {"present_over_time", {VT::kMatrix}, 0, VT::kVector, fn_present_over_time},
      {"quantile_over_time", {VT::kScalar, VT::kMatrix}, 0, VT::kVector, fn_quantile_over_time},
      {"rate", {VT::kMatrix}, 0, VT::kVector, fn_rate},
      {"resets", {VT::kMatrix}, 0, VT::kVector, fn_resets},
      {"round", {VT::kVector, VT::kScalar}, 1, VT::kVector, fn_round},
      {"scalar", {VT::kVector}, 0, VT::kScalar, fn_scalar},
      {"sort", {VT::kVector}, 0, VT::kVector, fn_sort},
      {"sort_desc", {VT::kVector}, 0, VT::kVector, fn_sort},
      {"sqrt", {VT::kVector}, 0, VT::kVector, fn_sqrt},
      {"stddev_over_time", {VT::kMatrix}, 0, VT::kVector, fn_stddev_over_time},
      {"stdvar_over_time", {VT::kMatrix}, 0, VT::kVector, fn_stdvar_over_time},
      {"sum_over_time", {VT::kMatrix}, 0, VT::kVector, fn_sum_over_time},
      {"time", {}, 0, VT::kScalar, fn_time},
      {"timestamp", {VT::kVector}, 0, VT::kVector, fn_timestamp},
      {"vector", {VT::kScalar}, 0, VT::kVector, fn_vector},
  };
  return table;
}

}  // namespace

const FunctionInfo* find_function(std::string_view name) {
  for (const auto& info : function_table()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

}  // namespace specwatch::rules
