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
#include <vector>

#include "sidecar/derive/limited_family.h"
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

  // Thread-safe (one lock per call: call it once per batch).
  void observe(const std::string& service, std::span<const SpanObservation> spans);

 private:
  std::mutex mutex_;
  SiteRedactor redaction_;
  LimitedCounter calls_;
  LimitedHistogram duration_;
};

}  // namespace specwatch
