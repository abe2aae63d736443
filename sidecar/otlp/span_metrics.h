// RED metrics of every received span (the idea of the OpenTelemetry Collector's spanmetrics
// connector), computed from the span records by SpanMetricsConsumer (span_metrics_consumer.h):
//   specwatch_span_calls_total{service, span_name, span_kind, status_code}          counter
//   specwatch_span_duration_seconds{service, span_name, span_kind, status_code}     histogram
// span_kind is client|server|internal|producer|consumer|unspecified, status_code unset|ok|error.
// Each metric holds at most `max_series` label sets; later ones fold into one series whose labels
// read "overflow", counted by specwatch_series_overflow_total{metric} (LimitedFamily, shared with
// the derived metrics). The service and span name come from the sender: a new series has its
// label values redacted (sidecar/redact), counted in specwatch_redactions_total{site="label"}.
#pragma once

#include <prometheus/registry.h>

#include <cstddef>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sidecar/derive/limited_family.h"
#include "sidecar/derive/pending_observations.h"
#include "sidecar/otlp/otlp_records.h"

namespace specwatch {

// 5 ms .. 5 min: internal spans take milliseconds, LLM calls seconds, agent runs minutes.
prometheus::Histogram::BucketBoundaries span_duration_buckets();

class SpanMetrics {
 public:
  SpanMetrics(prometheus::Registry& registry, std::size_t max_series = kDefaultMaxSeriesPerMetric,
              const RedactionConfig& redaction = {});
  SpanMetrics(const SpanMetrics&) = delete;
  SpanMetrics& operator=(const SpanMetrics&) = delete;

  // Thread-safe (one lock per call: call it once per batch). The spans of one label set are
  // added to their series together, in the order their label sets first appear in `spans` (the
  // order that decides which sets a full family folds into its overflow series): one lookup, one
  // counter add and one histogram update per label set and batch instead of per span.
  void observe(const std::string& service, std::span<const SpanObservation> spans);

 private:
  // The spans of one label set in the batch being observed; views into its spans.
  struct Group {
    std::string_view name;
    std::string_view kind;
    std::string_view status;
    PendingObservations durations;
  };
  struct GroupKey {
    std::string_view name;
    std::string_view kind;
    std::string_view status;
    bool operator==(const GroupKey&) const = default;
  };
  struct GroupKeyHash {
    std::size_t operator()(const GroupKey& key) const;
  };

  std::mutex mutex_;
  SiteRedactor redaction_;
  LimitedCounter calls_;
  LimitedHistogram duration_;
  // Scratch of observe(), kept for its capacity: the batch's groups (the first `groups_used_`;
  // their bucket storage is reused) and where each one is.
  std::vector<Group> groups_;
  std::size_t groups_used_ = 0;
  // Filled only once a batch has more than kScannedGroups groups; below, they are scanned.
  std::unordered_map<GroupKey, std::size_t, GroupKeyHash> group_of_;

  // The group of `key` in this batch, added if new.
  std::size_t group_for(const GroupKey& key);
};

}  // namespace specwatch
