// Where the evaluator reads series from. The sidecar's sample store and the in-memory store of
// the rule-test runner both implement this; the evaluator needs nothing else.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "sidecar/rules/labels.h"
#include "sidecar/rules/sample.h"

namespace specwatch::rules {

class SeriesSource {
 public:
  using Visitor = std::function<void(const Labels& labels, std::span<const Sample> samples)>;
  virtual ~SeriesSource() = default;
  // Calls `visit` once for every series matching all `matchers` that has samples in
  // [mint, maxt] (inclusive, milliseconds), with those samples in time order, stale markers
  // included. Series are visited in label order. The label set and samples passed to `visit`
  // must stay valid until the source is next modified: the evaluator keeps views of them for
  // the rest of the query instead of copying them.
  virtual void select(const std::vector<LabelMatcher>& matchers, Timestamp mint, Timestamp maxt,
                      const Visitor& visit) const = 0;
};

// Where rule results go (recorded series, ALERTS, stale markers).
class SampleAppender {
 public:
  virtual ~SampleAppender() = default;
  virtual void append(const Labels& labels, Timestamp t, double v) = 0;
};

}  // namespace specwatch::rules
