// Quantiles: of a list of values (quantile, quantile_over_time) and of histogram buckets
// (histogram_quantile), as Prometheus 2.42 computes them.
#pragma once

#include <vector>

namespace specwatch::rules {

// q < 0 gives -Inf, q > 1 gives +Inf, NaN q gives NaN; linear interpolation between ranks.
double quantile_of(double q, std::vector<double> values);

struct Bucket {
  double upper_bound = 0.0;
  double count = 0.0;
};
// NaN when the buckets have no +Inf bucket, fewer than two buckets or no observations.
double bucket_quantile(double q, std::vector<Bucket> buckets);

}  // namespace specwatch::rules
