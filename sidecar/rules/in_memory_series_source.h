// A series store held in memory: what the rule-test runner loads its input series into and what
// rule results are written back to. Series are indexed by metric name.
#pragma once

#include <map>
#include <string>
#include <unordered_map>

#include "sidecar/rules/series_source.h"

namespace specwatch::rules {

class InMemorySeriesSource : public SeriesSource, public SampleAppender {
 public:
  // Samples must arrive in time order per series; a sample not after the last one of its series
  // is dropped (Prometheus refuses out-of-order and duplicate samples too).
  void append(const Labels& labels, Timestamp t, double v) override;
  void select(const std::vector<LabelMatcher>& matchers, Timestamp mint, Timestamp maxt,
              const Visitor& visit) const override;
  size_t series_count() const;
  size_t sample_count() const;

 private:
  using SeriesMap = std::map<Labels, std::vector<Sample>>;
  std::unordered_map<std::string, SeriesMap> by_name_;
};

}  // namespace specwatch::rules
