#include "sidecar/otlp_metrics/exponential_buckets.h"

#include <cmath>

namespace specwatch {

double exponential_boundary(std::int64_t index, std::int32_t scale) {
  if (scale <= 0) {
    // base^index = 2^(index * 2^-scale): an integer exponent, computed exactly.
    const std::int64_t exponent = index * (std::int64_t{1} << -scale);
    if (exponent > 4096) return HUGE_VAL;
    if (exponent < -4096) return 0.0;
    return std::ldexp(1.0, static_cast<int>(exponent));
  }
  if (index % (std::int64_t{1} << scale) == 0) {
    return std::ldexp(1.0, static_cast<int>(index >> scale));
  }
  return std::exp2(std::ldexp(static_cast<double>(index), -scale));
}

std::vector<std::pair<double, std::uint64_t>> exponential_to_explicit(
    std::int32_t scale, double zero_threshold, std::uint64_t zero_count,
    const std::map<std::int32_t, std::uint64_t>& positive,
    const std::map<std::int32_t, std::uint64_t>& negative) {
  std::vector<std::pair<double, std::uint64_t>> out;
  auto append = [&out](double bound, std::uint64_t count) {
    if (!out.empty() && !(out.back().first < bound)) {
      out.back().second += count;
    } else {
      out.emplace_back(bound, count);
    }
  };
  for (auto it = negative.rbegin(); it != negative.rend(); ++it) {
    append(-exponential_boundary(it->first, scale), it->second);
  }
  append(zero_threshold, zero_count);
  for (const auto& [index, count] : positive) {
    append(exponential_boundary(static_cast<std::int64_t>(index) + 1, scale), count);
  }
  return out;
}

}  // namespace specwatch
