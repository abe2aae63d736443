#include "sidecar/otlp/span_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include <algorithm>
#include <functional>

namespace specwatch {
namespace {

// Same name and help as the derived metrics' family, so the registry merges the two.
prometheus::Family<prometheus::Counter>& overflow_family(prometheus::Registry& registry) {
  return prometheus::BuildCounter()
      .Name("specwatch_series_overflow_total")
      .Help(
          "Observations folded into a metric's overflow series because the metric reached its "
          "series limit.")
      .Register(registry);
}

const std::vector<std::string> kLabels = {"service", "span_name", "span_kind", "status_code"};

}  // namespace

prometheus::Histogram::BucketBoundaries span_duration_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
}

SpanMetrics::SpanMetrics(prometheus::Registry& registry, std::size_t max_series,
                         const RedactionConfig& redaction)
    : redaction_(registry, redaction, RedactionSite::kLabel),
      calls_(prometheus::BuildCounter()
                 .Name("specwatch_span_calls_total")
                 .Help("Spans received over OTLP, by service, span name, kind and status.")
                 .Register(registry),
             "specwatch_span_calls_total", kLabels, max_series, overflow_family(registry), {},
             &redaction_),
      duration_(prometheus::BuildHistogram()
                    .Name("specwatch_span_duration_seconds")
                    .Help("Duration of spans received over OTLP (end - start).")
                    .Register(registry),
                "specwatch_span_duration_seconds", kLabels, max_series, overflow_family(registry),
                span_duration_buckets(), &redaction_) {}

std::size_t SpanMetrics::GroupKeyHash::operator()(const GroupKey& key) const {
  const std::hash<std::string_view> hash;
  // kind and status come from two small fixed sets: the name carries the spread.
  return hash(key.name) ^ (hash(key.kind) * 0x9E3779B97F4A7C15ULL) ^ (hash(key.status) << 1);
}

void SpanMetrics::observe(const std::string& service, std::span<const SpanObservation> spans) {
  std::lock_guard lock(mutex_);
  const prometheus::Histogram::BucketBoundaries& bounds = duration_.buckets();
  const std::size_t width = bounds.size() + 1;
  groups_.clear();
  group_of_.clear();
  bucket_counts_.clear();
  for (const auto& span : spans) {
    const auto [at, added] =
        group_of_.try_emplace(GroupKey{span.name, span.kind, span.status}, groups_.size());
    if (added) {
      groups_.push_back(Group{span.name, span.kind, span.status});
      bucket_counts_.resize(bucket_counts_.size() + width, 0.0);
    }
    Group& group = groups_[at->second];
    ++group.count;
    group.sum += span.duration_seconds;
    // The bucket Histogram::Observe counts a value in: the first boundary >= it (le), else +Inf.
    const auto bucket = std::lower_bound(bounds.begin(), bounds.end(), span.duration_seconds);
    bucket_counts_[at->second * width + static_cast<std::size_t>(bucket - bounds.begin())] += 1.0;
  }
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const Group& group = groups_[g];
    const auto count = static_cast<double>(group.count);
    calls_.get({service, group.name, group.kind, group.status}, group.count).Increment(count);
    prometheus::Histogram& duration =
        duration_.get({service, group.name, group.kind, group.status}, group.count);
    if (group.count == 1) {
      duration.Observe(group.sum);  // the one value: two atomic adds instead of one per bucket
    } else {
      const auto row = bucket_counts_.begin() + static_cast<std::ptrdiff_t>(g * width);
      row_.assign(row, row + static_cast<std::ptrdiff_t>(width));
      duration.ObserveMultiple(row_, group.sum);
    }
  }
  group_of_.clear();  // its keys view the caller's spans
}

}  // namespace specwatch
