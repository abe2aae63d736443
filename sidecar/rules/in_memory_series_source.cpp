#include "sidecar/rules/in_memory_series_source.h"

#include <algorithm>
#include <map>

#include "sidecar/rules/sample_window.h"

namespace specwatch::rules {
InMemorySeriesSource::SeriesId InMemorySeriesSource::find_or_add(const Labels& labels) {
  size_t hash = LabelsHash{}(labels);
  auto [it, new_hash] = first_with_hash_.try_emplace(hash, static_cast<SeriesId>(series_.size()));
  SeriesId last_in_chain = kNoSeries;
  if (!new_hash) {
    for (SeriesId id = it->second; id != kNoSeries; id = series_[id].next_same_hash) {
      if (series_[id].labels == labels) return id;
      last_in_chain = id;
    }
  }
  auto id = static_cast<SeriesId>(series_.size());
  if (last_in_chain != kNoSeries) series_[last_in_chain].next_same_hash = id;
  series_.push_back(Series{labels, {}, kNoSeries});
  std::string_view name = labels.get(kMetricNameLabel);
  auto named = by_name_.find(std::string(name));
  if (named == by_name_.end())
    named = by_name_.emplace(std::string(name), std::vector<SeriesId>{}).first;
  std::vector<SeriesId>& ids = named->second;
  auto at = std::lower_bound(ids.begin(), ids.end(), labels, [&](SeriesId other, const Labels& l) {
    return series_[other].labels < l;
  });
  ids.insert(at, id);
  return id;
}

void InMemorySeriesSource::append(const Labels& labels, Timestamp t, double v) {
  auto& samples = series_[find_or_add(labels)].samples;
  if (!samples.empty() && samples.back().t >= t) return;
  samples.push_back(Sample{t, v});
}

void InMemorySeriesSource::visit_series(const std::vector<SeriesId>& ids,
                                        const std::vector<LabelMatcher>& matchers,
                                        const LabelMatcher* skip, Timestamp mint, Timestamp maxt,
                                        const Visitor& visit) const {
  for (SeriesId id : ids) {
    const Series& series = series_[id];
    bool all = std::all_of(matchers.begin(), matchers.end(), [&](const LabelMatcher& m) {
      return &m == skip || m.matches(series.labels.get(m.name()));
    });
    if (!all) continue;
    std::span<const Sample> samples = sample_window(series.samples, mint, maxt);
    if (!samples.empty()) visit(series.labels, samples);
  }
}

void InMemorySeriesSource::select(const std::vector<LabelMatcher>& matchers, Timestamp mint,
                                  Timestamp maxt, const Visitor& visit) const {
  // An equality matcher on the metric name narrows the walk to one name, whose series all
  // satisfy it.
  for (const auto& m : matchers) {
    if (m.name() == kMetricNameLabel && m.type() == MatchType::kEqual) {
      auto it = by_name_.find(m.value());
      if (it != by_name_.end()) visit_series(it->second, matchers, &m, mint, maxt, visit);
      return;
    }
  }
  // Otherwise every name; visiting in name order keeps the output in label order.
  std::map<std::string_view, const std::vector<SeriesId>*> ordered;
  for (const auto& [name, ids] : by_name_) ordered.emplace(name, &ids);
  for (const auto& [name, ids] : ordered) visit_series(*ids, matchers, nullptr, mint, maxt, visit);
}

size_t InMemorySeriesSource::sample_count() const {
  size_t n = 0;
  for (const auto& series : series_) n += series.samples.size();
  return n;
}

}  // namespace specwatch::rules
