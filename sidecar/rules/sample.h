// Samples, stale markers and the value types an instant PromQL query works with.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "sidecar/rules/labels.h"

namespace specwatch::rules {

// Milliseconds since the Unix epoch, as Prometheus stores them.
using Timestamp = int64_t;

// Prometheus marks the end of a series with this particular NaN; any other NaN is a value.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
inline double stale_nan() {
  return std::bit_cast<double>(kStaleNaNBits);
}
inline bool is_stale_nan(double value) {
  return std::bit_cast<uint64_t>(value) == kStaleNaNBits;
}

struct Sample {
  Timestamp t = 0;
  double v = 0.0;
};

// One element of an instant vector. `t` is the timestamp of the underlying sample for a plain
// selector (timestamp() reports it) and the evaluation time otherwise.
struct VectorElement {
  Labels labels;
  double v = 0.0;
  Timestamp t = 0;
};
using Vector = std::vector<VectorElement>;

}  // namespace specwatch::rules
