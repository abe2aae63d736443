// OTLP exponential histogram buckets as classic (explicit-bound) buckets.
//
// With base = 2^(2^-scale), positive bucket `index` holds values in (base^index, base^(index+1)]
// and negative bucket `index` values in [-base^(index+1), -base^index). As `le` buckets, in
// increasing order of bound:
//   negative buckets from the highest index down, each at le = -base^index;
//   the zero bucket (|value| <= zero_threshold) at le = zero_threshold (le="0" when 0);
//   positive buckets from the lowest index up, each at le = base^(index+1).
// Only buckets present in the input are listed (a sparse map keeps only non-zero ones). A bound
// that would not be greater than the one before it (a zero threshold above the first positive
// bucket's bound) is merged into the bucket before it, so bounds always increase.
#pragma once

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace specwatch {

inline constexpr std::int32_t kMinExponentialScale = -10;
inline constexpr std::int32_t kMaxExponentialScale = 20;

// base^index with base = 2^(2^-scale); exact powers of two for scale <= 0.
double exponential_boundary(std::int64_t index, std::int32_t scale);

// (upper bound, count in this bucket alone) in increasing order of bound; +Inf is not included.
std::vector<std::pair<double, std::uint64_t>> exponential_to_explicit(
    std::int32_t scale, double zero_threshold, std::uint64_t zero_count,
    const std::map<std::int32_t, std::uint64_t>& positive,
    const std::map<std::int32_t, std::uint64_t>& negative);

}  // namespace specwatch
