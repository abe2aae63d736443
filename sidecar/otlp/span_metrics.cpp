#include "sidecar/otlp/span_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

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

void SpanMetrics::observe(const std::string& service, std::span<const SpanObservation> spans) {
  std::lock_guard lock(mutex_);
  for (const auto& span : spans) {
    calls_.get({service, span.name, span.kind, span.status}).Increment();
    duration_.get({service, span.name, span.kind, span.status}).Observe(span.duration_seconds);
  }
}

}  // namespace specwatch
