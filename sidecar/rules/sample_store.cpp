#include "sidecar/rules/sample_store.h"

#include <algorithm>

#include "sidecar/rules/sample_window.h"

namespace specwatch::rules {

void SampleStore::append(const Labels& labels, Timestamp t, double v) {
  std::string_view name = labels.get(kMetricNameLabel);
  auto named = by_name_.find(name);
  Series* series = nullptr;
  if (named != by_name_.end()) {
    auto it = named->second.find(labels);
    if (it != named->second.end()) series = &it->second;
  }
  if (series != nullptr && !series->samples.empty() && series->samples.back().t >= t) return;
  if (sample_count_ >= limits_.max_samples) {
    ++refused_total_;
    return;
  }
  if (series == nullptr) {
    if (named == by_name_.end())
      named = by_name_.emplace(std::string(name), SeriesByLabels{}).first;
    series = &named->second.emplace(labels, Series{}).first->second;
    ++series_count_;
  }
  series->samples.push_back(Sample{t, v});
  ++sample_count_;
}

void SampleStore::visit_name(const SeriesByLabels& series,
                             const std::vector<LabelMatcher>& matchers, Timestamp mint,
                             Timestamp maxt, const Visitor& visit) const {
  for (const auto& [labels, data] : series) {
    bool all = std::all_of(matchers.begin(), matchers.end(),
                           [&](const LabelMatcher& m) { return m.matches(labels.get(m.name())); });
    if (!all) continue;
    std::span<const Sample> samples = sample_window(data.samples, mint, maxt);
    if (!samples.empty()) visit(labels, samples);
  }
}

void SampleStore::select(const std::vector<LabelMatcher>& matchers, Timestamp mint, Timestamp maxt,
                         const Visitor& visit) const {
  for (const auto& m : matchers) {
    if (m.name() == kMetricNameLabel && m.type() == MatchType::kEqual) {
      auto it = by_name_.find(m.value());
      if (it != by_name_.end()) visit_name(it->second, matchers, mint, maxt, visit);
      return;
    }
  }
  // Names are kept in order, so visiting them in turn keeps the output in label order.
  for (const auto& [name, series] : by_name_) visit_name(series, matchers, mint, maxt, visit);
}

size_t SampleStore::compact_series(Series& series, Timestamp oldest_kept,
                                   Timestamp full_resolution_from) {
  std::vector<Sample>& samples = series.samples;
  const size_t before = samples.size();
  const int64_t step = std::max<int64_t>(limits_.downsample_step_ms, 1);
  // Thinning rewrites only the stretch that crossed the full-resolution horizon since the last
  // compaction: older samples are already one per step, newer ones stay as they are.
  auto first = std::lower_bound(samples.begin(), samples.end(), oldest_kept,
                                [](const Sample& s, Timestamp t) { return s.t < t; });
  auto thin_from = std::lower_bound(first, samples.end(), series.downsampled_until,
                                    [](const Sample& s, Timestamp t) { return s.t < t; });
  auto thin_to = std::lower_bound(thin_from, samples.end(), full_resolution_from,
                                  [](const Sample& s, Timestamp t) { return s.t < t; });
  // Keep a sample when it is the last of its step bucket (the next one is in a later bucket or
  // beyond the horizon), so each bucket keeps its latest value, stale marker or not.
  auto out = std::copy(first, thin_from, samples.begin());
  for (auto it = thin_from; it != thin_to; ++it) {
    auto next = it + 1;
    bool last_of_bucket = next == thin_to || next->t / step != it->t / step;
    if (last_of_bucket) *out++ = *it;
  }
  out = std::copy(thin_to, samples.end(), out);
  samples.erase(out, samples.end());
  series.downsampled_until = std::max(series.downsampled_until, full_resolution_from);
  // Give memory back once a series holds far less than it reserved (a burst, then a quiet day).
  if (samples.capacity() > 64 && samples.size() < samples.capacity() / 4) samples.shrink_to_fit();
  return before - samples.size();
}

void SampleStore::compact(Timestamp now) {
  const Timestamp oldest_kept = now - limits_.retention_ms;
  // Thinning stops one step short of the horizon so that a bucket is thinned only once it is
  // complete (a later compaction would otherwise see a bucket's first half only).
  const int64_t step = std::max<int64_t>(limits_.downsample_step_ms, 1);
  Timestamp horizon = now - limits_.full_resolution_ms;
  horizon -= ((horizon % step) + step) % step;
  for (auto named = by_name_.begin(); named != by_name_.end();) {
    SeriesByLabels& series = named->second;
    for (auto it = series.begin(); it != series.end();) {
      sample_count_ -= compact_series(it->second, oldest_kept, horizon);
      if (it->second.samples.empty()) {
        it = series.erase(it);
        --series_count_;
      } else {
        ++it;
      }
    }
    named = series.empty() ? by_name_.erase(named) : std::next(named);
  }
}

}  // namespace specwatch::rules
