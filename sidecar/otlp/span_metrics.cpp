#include "sidecar/otlp/span_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include <functional>

#include "sidecar/core/byte_hash.h"

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

// Groups whose scratch observe() keeps from batch to batch.
constexpr std::size_t kKeptGroups = 256;

// Up to this many groups in a batch, a span's group is found by comparing it with each: a batch
// mostly holds a handful of span names, whose lengths mostly differ, and three hashes, a probe
// and three compares per span cost about three times as much.
constexpr std::size_t kScannedGroups = 8;

// Equal views: a kind or status is one of the decoder's constants (the same address each time),
// a name mostly differs from another in length, and neither case calls memcmp.
bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.data() == b.data() || a == b);
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
  // kind and status come from two small fixed sets: the name carries the spread.
  return byte_hash(key.name) ^ (byte_hash(key.kind) * 0x9E3779B97F4A7C15ULL) ^
         (byte_hash(key.status) << 1);
}

void SpanMetrics::observe(const std::string& service, std::span<const SpanObservation> spans) {
  std::lock_guard lock(mutex_);
  const prometheus::Histogram::BucketBoundaries& bounds = duration_.buckets();
  groups_used_ = 0;
  group_of_.clear();
  for (const auto& span : spans) {
    groups_[group_for({span.name, span.kind, span.status})].durations.add(bounds,
                                                                          span.duration_seconds);
  }
  for (std::size_t g = 0; g < groups_used_; ++g) {
    Group& group = groups_[g];
    const std::size_t count = group.durations.count;
    calls_.get({service, group.name, group.kind, group.status}, count)
        .Increment(static_cast<double>(count));
    group.durations.apply_to(duration_.get({service, group.name, group.kind, group.status}, count));
  }
  group_of_.clear();  // its keys view the caller's spans
  // A batch of thousands of distinct span names (a sender putting ids into names) leaves no
  // lasting scratch behind: beyond a few hundred groups it is given back.
  if (groups_.size() > kKeptGroups) {
    groups_.resize(kKeptGroups);
    groups_.shrink_to_fit();
    group_of_ = {};
  }
}

std::size_t SpanMetrics::group_for(const GroupKey& key) {
  if (groups_used_ <= kScannedGroups) {
    for (std::size_t g = 0; g < groups_used_; ++g) {
      const Group& group = groups_[g];
      if (same_text(group.name, key.name) && same_text(group.kind, key.kind) &&
          same_text(group.status, key.status)) {
        return g;
      }
    }
    if (groups_used_ == kScannedGroups) {  // one more: from here on through the table
      for (std::size_t g = 0; g < groups_used_; ++g) {
        group_of_.emplace(GroupKey{groups_[g].name, groups_[g].kind, groups_[g].status}, g);
      }
    }
  } else if (const auto it = group_of_.find(key); it != group_of_.end()) {
    return it->second;
  }
  const std::size_t g = groups_used_++;
  if (groups_used_ > kScannedGroups) group_of_.emplace(key, g);
  if (g == groups_.size()) groups_.emplace_back();
  Group& group = groups_[g];
  group.name = key.name;
  group.kind = key.kind;
  group.status = key.status;
  return g;
}

}  // namespace specwatch
