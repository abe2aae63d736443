// Functions over range vectors, with Prometheus 2.42's arithmetic: rate/increase/delta
// extrapolate to the window edges (at most half an average interval beyond the samples, and not
// below zero for counters), deriv is a least-squares slope, *_over_time aggregate the window.
#include "sidecar/rules/promql_range_functions.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "sidecar/rules/promql_ast.h"
#include "sidecar/rules/promql_quantile.h"

namespace specwatch::rules {
namespace {

const MatrixSelector& matrix_arg(const FunctionArgs& args) {
  for (const auto& arg : args.call->args) {
    if (const auto* m = std::get_if<MatrixSelector>(&arg->node)) return *m;
  }
  throw std::logic_error("range function without a range argument");
}

// One output element per series for which `value` yields a number; the metric name is dropped
// unless `keep_name` (last_over_time keeps it).
template <typename F>
FunctionResult per_series(const FunctionArgs& args, F value, bool keep_name = false) {
  FunctionResult out;
  out.vector.reserve(args.range.size());
  out.labels_deferred = args.defer_labels && !keep_name;
  if (out.labels_deferred) out.source_labels.reserve(args.range.size());
  for (const auto& series : args.range) {
    std::optional<double> v = value(series.samples);
    if (!v) continue;
    if (out.labels_deferred) {
      out.vector.push_back(VectorElement{Labels(), *v, args.now});
      out.source_labels.push_back(series.labels);
      continue;
    }
    out.vector.push_back(VectorElement{
        keep_name ? *series.labels : series.labels->without_metric_name(), *v, args.now});
  }
  return out;
}

// Whether the loop below would add anything: a sample below its predecessor (the first one below
// zero). Branch-free, so the common case of a window without a reset costs one pass of compares.
bool has_counter_reset(std::span<const Sample> s) {
  bool reset = s.front().v < 0;
  for (size_t i = 1; i < s.size(); ++i) reset |= s[i].v < s[i - 1].v;
  return reset;
}

FunctionResult extrapolated_rate(const FunctionArgs& args, bool is_counter, bool is_rate) {
  const MatrixSelector& m = matrix_arg(args);
  Timestamp range_start = args.now - (m.range_ms + m.selector.offset_ms);
  Timestamp range_end = args.now - m.selector.offset_ms;
  return per_series(args, [&](std::span<const Sample> s) -> std::optional<double> {
    if (s.size() < 2) return std::nullopt;
    double result = s.back().v - s.front().v;
    if (is_counter && has_counter_reset(s)) {
      double last = 0;
      for (const auto& sample : s) {
        if (sample.v < last) result += last;
        last = sample.v;
      }
    }
    double to_start = static_cast<double>(s.front().t - range_start) / 1000;
    double to_end = static_cast<double>(range_end - s.back().t) / 1000;
    double sampled = static_cast<double>(s.back().t - s.front().t) / 1000;
    double average = sampled / static_cast<double>(s.size() - 1);
    if (is_counter && result > 0 && s.front().v >= 0) {
      // A counter does not extrapolate below zero.
      double to_zero = sampled * (s.front().v / result);
      if (to_zero < to_start) to_start = to_zero;
    }
    double threshold = average * 1.1;
    double interval = sampled;
    interval += to_start < threshold ? to_start : average / 2;
    interval += to_end < threshold ? to_end : average / 2;
    result = result * (interval / sampled);
    if (is_rate) result /= static_cast<double>(m.range_ms) / 1000;
    return result;
  });
}

FunctionResult instant_delta(const FunctionArgs& args, bool is_rate) {
  return per_series(args, [&](std::span<const Sample> s) -> std::optional<double> {
    if (s.size() < 2) return std::nullopt;
    const Sample& last = s[s.size() - 1];
    const Sample& previous = s[s.size() - 2];
    double result = last.v - previous.v;
    if (is_rate && last.v < previous.v) result = last.v;  // counter reset
    Timestamp interval = last.t - previous.t;
    if (interval == 0) return std::nullopt;
    if (is_rate) result /= static_cast<double>(interval) / 1000;
    return result;
  });
}

void kahan_add(double x, double& sum, double& c) {
  double t = sum + x;
  if (std::fabs(sum) >= std::fabs(x)) {
    c += (sum - t) + x;
  } else {
    c += (x - t) + sum;
  }
  sum = t;
}

}  // namespace

FunctionResult fn_rate(const FunctionArgs& a) {
  return extrapolated_rate(a, true, true);
}
FunctionResult fn_increase(const FunctionArgs& a) {
  return extrapolated_rate(a, true, false);
}
FunctionResult fn_delta(const FunctionArgs& a) {
  return extrapolated_rate(a, false, false);
}
FunctionResult fn_irate(const FunctionArgs& a) {
  return instant_delta(a, true);
}
FunctionResult fn_idelta(const FunctionArgs& a) {
  return instant_delta(a, false);
}

FunctionResult fn_deriv(const FunctionArgs& args) {
  return per_series(args, [](std::span<const Sample> s) -> std::optional<double> {
    if (s.size() < 2) return std::nullopt;
    // Least squares with x measured from the first sample, to keep the sums small.
    double n = 0, sum_x = 0, c_x = 0, sum_y = 0, c_y = 0, sum_xy = 0, c_xy = 0, sum_x2 = 0,
           c_x2 = 0;
    bool const_y = true;
    for (size_t i = 0; i < s.size(); ++i) {
      if (const_y && i > 0 && s[i].v != s[0].v) const_y = false;
      n += 1;
      double x = static_cast<double>(s[i].t - s[0].t) / 1e3;
      kahan_add(x, sum_x, c_x);
      kahan_add(s[i].v, sum_y, c_y);
      kahan_add(x * s[i].v, sum_xy, c_xy);
      kahan_add(x * x, sum_x2, c_x2);
    }
    if (const_y) {
      if (std::isinf(s[0].v)) return std::nan("");
      return 0.0;
    }
    sum_x += c_x;
    sum_y += c_y;
    sum_xy += c_xy;
    sum_x2 += c_x2;
    double cov_xy = sum_xy - sum_x * sum_y / n;
    double var_x = sum_x2 - sum_x * sum_x / n;
    return cov_xy / var_x;
  });
}

FunctionResult fn_changes(const FunctionArgs& args) {
  return per_series(args, [](std::span<const Sample> s) -> std::optional<double> {
    double changes = 0;
    for (size_t i = 1; i < s.size(); ++i) {
      bool both_nan = std::isnan(s[i].v) && std::isnan(s[i - 1].v);
      if (s[i].v != s[i - 1].v && !both_nan) changes += 1;
    }
    return changes;
  });
}

FunctionResult fn_resets(const FunctionArgs& args) {
  return per_series(args, [](std::span<const Sample> s) -> std::optional<double> {
    double resets = 0;
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i].v < s[i - 1].v) resets += 1;
    }
    return resets;
  });
}

FunctionResult fn_avg_over_time(const FunctionArgs& args) {
  return per_series(args, [](std::span<const Sample> s) -> std::optional<double> {
    double mean = 0, c = 0, count = 0;
    for (const auto& sample : s) {
      count += 1;
      if (std::isinf(mean)) {
        if (std::isinf(sample.v) && (mean > 0) == (sample.v > 0)) continue;
        if (!std::isinf(sample.v) && !std::isnan(sample.v)) continue;
      }
      kahan_add(sample.v / count - (mean + c) / count, mean, c);
    }
    if (std::isinf(mean)) return mean;
    return mean + c;
  });
}

FunctionResult fn_sum_over_time(const FunctionArgs& args) {
  return per_series(args, [](std::span<const Sample> s) -> std::optional<double> {
    double sum = 0, c = 0;
    for (const auto& sample : s) kahan_add(sample.v, sum, c);
    if (std::isinf(sum)) return sum;
    return sum + c;
  });
}

FunctionResult fn_min_over_time(const FunctionArgs& args) {
  return per_series(args, [](std::span<const Sample> s) -> std::optional<double> {
    double min = s[0].v;
    for (const auto& sample : s) {
      if (sample.v < min || std::isnan(min)) min = sample.v;
    }
    return min;
  });
}

FunctionResult fn_max_over_time(const FunctionArgs& args) {
  return per_series(args, [](std::span<const Sample> s) -> std::optional<double> {
    double max = s[0].v;
    for (const auto& sample : s) {
      if (sample.v > max || std::isnan(max)) max = sample.v;
    }
    return max;
  });
}

FunctionResult fn_count_over_time(const FunctionArgs& args) {
  return per_series(args, [](std::span<const Sample> s) -> std::optional<double> {
    return static_cast<double>(s.size());
  });
}

FunctionResult fn_last_over_time(const FunctionArgs& args) {
  return per_series(
      args, [](std::span<const Sample> s) -> std::optional<double> { return s.back().v; }, true);
}

FunctionResult fn_present_over_time(const FunctionArgs& args) {
  return per_series(args, [](std::span<const Sample>) -> std::optional<double> { return 1.0; });
}

namespace {
double variance(std::span<const Sample> s) {
  double count = 0, mean = 0, c_mean = 0, aux = 0, c_aux = 0;
  for (const auto& sample : s) {
    count += 1;
    double delta = sample.v - (mean + c_mean);
    kahan_add(delta / count, mean, c_mean);
    kahan_add(delta * (sample.v - (mean + c_mean)), aux, c_aux);
  }
  return (aux + c_aux) / count;
}
}  // namespace

FunctionResult fn_stddev_over_time(const FunctionArgs& args) {
  return per_series(args, [](std::span<const Sample> s) -> std::optional<double> {
    return std::sqrt(variance(s));
  });
}

FunctionResult fn_stdvar_over_time(const FunctionArgs& args) {
  return per_series(args,
                    [](std::span<const Sample> s) -> std::optional<double> { return variance(s); });
}

FunctionResult fn_quantile_over_time(const FunctionArgs& args) {
  double q = args.scalars[0];
  return per_series(args, [q](std::span<const Sample> s) -> std::optional<double> {
    std::vector<double> values;
    values.reserve(s.size());
    for (const auto& sample : s) values.push_back(sample.v);
    return quantile_of(q, std::move(values));
  });
}

}  // namespace specwatch::rules
