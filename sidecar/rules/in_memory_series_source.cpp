#include "sidecar/rules/in_memory_series_source.h"

#include <algorithm>

namespace specwatch::rules {

void InMemorySeriesSource::append(const Labels& labels, Timestamp t, double v) {
  auto& samples = by_name_[std::string(labels.get(kMetricNameLabel))][labels];
  if (!samples.empty() && samples.back().t >= t) return;
  samples.push_back(Sample{t, v});
}

void InMemorySeriesSource::select(const std::vector<LabelMatcher>& matchers, Timestamp mint,
                                  Timestamp maxt, const Visitor& visit) const {
  auto visit_map = [&](const SeriesMap& series) {
    for (const auto& [labels, samples] : series) {
      bool all = std::all_of(matchers.begin(), matchers.end(), [&](const LabelMatcher& m) {
        return m.matches(labels.get(m.name()));
      });
      if (!all) continue;
      auto begin = std::lower_bound(samples.begin(), samples.end(), mint,
                                    [](const Sample& s, Timestamp t) { return s.t < t; });
      auto end = std::upper_bound(begin, samples.end(), maxt,
                                  [](Timestamp t, const Sample& s) { return t < s.t; });
      if (begin == end) continue;
      visit(labels, std::span<const Sample>(&*begin, static_cast<size_t>(end - begin)));
    }
  };
  // An equality matcher on the metric name narrows the walk to one name.
  for (const auto& m : matchers) {
    if (m.name() == kMetricNameLabel && m.type() == MatchType::kEqual) {
      auto it = by_name_.find(m.value());
      if (it != by_name_.end()) visit_map(it->second);
      return;
    }
  }
  // Otherwise every name; visiting in name order keeps the output in label order.
  std::map<std::string_view, const SeriesMap*> ordered;
  for (const auto& [name, series] : by_name_) ordered.emplace(name, &series);
  for (const auto& [name, series] : ordered) visit_map(*series);
}

size_t InMemorySeriesSource::series_count() const {
  size_t n = 0;
  for (const auto& [name, series] : by_name_) n += series.size();
  return n;
}

size_t InMemorySeriesSource::sample_count() const {
  size_t n = 0;
  for (const auto& [name, series] : by_name_) {
    for (const auto& [labels, samples] : series) n += samples.size();
  }
  return n;
}

}  // namespace specwatch::rules
