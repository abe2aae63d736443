// The sidecar's own series at the evaluation resolution, kept in memory for its rules: what the
// registry holds (derived metrics, pushed OTLP metrics, self-metrics) collected once per cycle,
// plus what the recording rules and alerts wrote back.
//
// Bounds:
// - Time: samples older than `retention_ms` (the longest range any loaded rule reads, plus the
//   5-minute lookback and its offset) are dropped by compact().
// - Resolution: samples older than `full_resolution_ms` (1 hour) are thinned to the last sample
//   of each `downsample_step_ms` (1 minute) bucket. A window that reaches further back than that
//   sees its first sample at most one step later than at full resolution: `increase`/`rate` over
//   such a window miss at most what the counter grew during one step at the window's start
//   (docs/RULES.md, "Sample store"); everything inside the last hour is exact.
// - Size: at most `max_samples` samples in all; an append beyond that is refused and counted
//   (refused_total()), never stored.
//
// Not thread-safe: the evaluation thread is its only user (collect, evaluate, compact).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sidecar/rules/series_source.h"

namespace specwatch::rules {

struct SampleStoreLimits {
  size_t max_samples = 2'000'000;
  int64_t retention_ms = 24 * 3600 * 1000;
  int64_t full_resolution_ms = 3600 * 1000;
  int64_t downsample_step_ms = 60 * 1000;
};

class SampleStore : public SeriesSource, public SampleAppender {
 public:
  explicit SampleStore(SampleStoreLimits limits) : limits_(limits) {}

  // A sample not after the last one of its series is dropped (as Prometheus refuses
  // out-of-order samples); one beyond max_samples is refused and counted.
  void append(const Labels& labels, Timestamp t, double v) override;
  void select(const std::vector<LabelMatcher>& matchers, Timestamp mint, Timestamp maxt,
              const Visitor& visit) const override;

  // Drops samples beyond the retention, thins those beyond the full-resolution horizon, and
  // forgets series left without samples.
  void compact(Timestamp now);
  // A shorter retention takes effect at the next compact().
  void set_limits(SampleStoreLimits limits) { limits_ = limits; }
  const SampleStoreLimits& limits() const { return limits_; }

  size_t series_count() const { return series_count_; }
  size_t sample_count() const { return sample_count_; }
  uint64_t refused_total() const { return refused_total_; }

 private:
  struct Series {
    std::vector<Sample> samples;
    Timestamp downsampled_until = 0;  // samples before this are already thinned
  };
  using SeriesByLabels = std::map<Labels, Series>;  // label order, stable references
  void visit_name(const SeriesByLabels& series, const std::vector<LabelMatcher>& matchers,
                  Timestamp mint, Timestamp maxt, const Visitor& visit) const;
  // Removes what compact() drops from one series; returns how many samples went.
  size_t compact_series(Series& series, Timestamp oldest_kept, Timestamp full_resolution_from);

  SampleStoreLimits limits_;
  std::map<std::string, SeriesByLabels, std::less<>> by_name_;
  size_t series_count_ = 0;
  size_t sample_count_ = 0;
  uint64_t refused_total_ = 0;
};

}  // namespace specwatch::rules
