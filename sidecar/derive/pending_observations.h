// Histogram observations gathered over a batch and handed to their series once: per-bucket counts
// and their sum, for one Histogram::ObserveMultiple(). Why: prometheus-cpp's Histogram::Observe
// takes a mutex and makes two atomic compare-and-swap adds; a batch of a thousand observations
// over a few dozen series then costs a few dozen of those instead of a thousand. Used by the
// LLM-call series (llm_call_series.h) and the RED span metrics (sidecar/otlp/span_metrics.*).
#pragma once

#include <prometheus/histogram.h>

#include <algorithm>
#include <cstddef>
#include <vector>

namespace specwatch {

struct PendingObservations {
  std::vector<double> buckets;  // one per boundary, then +Inf; sized on first use
  double sum = 0;
  std::size_t count = 0;

  // Counts `value` in the bucket Histogram::Observe() would: the first boundary >= value (le),
  // else +Inf.
  void add(const prometheus::Histogram::BucketBoundaries& bounds, double value) {
    if (buckets.empty()) buckets.assign(bounds.size() + 1, 0.0);
    const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin();
    buckets[static_cast<std::size_t>(bucket)] += 1.0;
    sum += value;
    ++count;
  }

  // Hands what was gathered to `histogram` (whose boundaries add() was given) and starts over,
  // keeping the bucket storage.
  void apply_to(prometheus::Histogram& histogram) {
    if (count == 0) return;
    if (count == 1) {
      // The sum is the one value: Observe() costs two atomic adds, ObserveMultiple() one per
      // bucket.
      histogram.Observe(sum);
    } else {
      histogram.ObserveMultiple(buckets, sum);
    }
    std::fill(buckets.begin(), buckets.end(), 0.0);
    sum = 0;
    count = 0;
  }
};

}  // namespace specwatch
