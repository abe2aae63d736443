// A series store held in memory: what the rule-test runner loads its input series into and what
// rule results are written back to. Series are found by a hash of their label set when appending
// and through an index by metric name (kept in label order) when selecting.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "sidecar/rules/series_source.h"

namespace specwatch::rules {

class InMemorySeriesSource : public SeriesSource, public SampleAppender {
 public:
  // Samples must arrive in time order per series; a sample not after the last one of its series
  // is dropped (Prometheus refuses out-of-order and duplicate samples too).
  void append(const Labels& labels, Timestamp t, double v) override;
  void select(const std::vector<LabelMatcher>& matchers, Timestamp mint, Timestamp maxt,
              const Visitor& visit) const override;
  size_t series_count() const { return series_.size(); }
  size_t sample_count() const;

 private:
  using SeriesId = uint32_t;
  static constexpr SeriesId kNoSeries = UINT32_MAX;
  struct Series {
    Labels labels;
    std::vector<Sample> samples;
    SeriesId next_same_hash = kNoSeries;  // the next series whose label set has the same hash
  };
  SeriesId find_or_add(const Labels& labels);
  void visit_series(const std::vector<SeriesId>& ids, const std::vector<LabelMatcher>& matchers,
                    const LabelMatcher* skip, Timestamp mint, Timestamp maxt,
                    const Visitor& visit) const;

  std::deque<Series> series_;  // a deque keeps references stable while series are added
  std::unordered_map<size_t, SeriesId> first_with_hash_;
  std::unordered_map<std::string, std::vector<SeriesId>> by_name_;  // ids in label order
};

}  // namespace specwatch::rules
