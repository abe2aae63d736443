#include "sidecar/otlp/otlp_ingest.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <optional>

#include "otlp_support.h"
#include "sidecar/otlp/span_metrics_consumer.h"

namespace specwatch {
namespace {

using namespace specwatch::testing;

// Value of the counter (or histogram sample count) of `name` with exactly these labels.
std::optional<double> sample(prometheus::Registry& registry, const std::string& name,
                             const std::map<std::string, std::string>& labels) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> got;
      for (const auto& pair : metric.label) got[pair.name] = pair.value;
      if (got != labels) continue;
      if (family.type == prometheus::MetricType::Histogram) {
        return static_cast<double>(metric.histogram.sample_count);
      }
      return metric.counter.value;
    }
  }
  return std::nullopt;
}

std::size_t series_count(prometheus::Registry& registry, const std::string& name) {
  for (const auto& family : registry.Collect()) {
    if (family.name == name) return family.metric.size();
  }
  return 0;
}

struct IngestTest : ::testing::Test {
  prometheus::Registry registry;
  OtlpMetrics metrics{registry};
  SpanMetrics span_metrics{registry, 3};
  // The RED span metrics are computed where the pipeline hands the batches on: here, from what
  // the sink took, as the normalize stage would hand them over (no profile, no events).
  SpanMetricsConsumer span_metrics_consumer{span_metrics, registry};
  FakeSink sink;
  CountingMetricsConsumer metrics_consumer;
  OtlpIngest ingest{
      OtlpIngestOptions{"otlp-http", "otlp-span", "otlp-log", std::chrono::milliseconds(10)}, sink,
      metrics_consumer, metrics};
  std::optional<ExportResult> result;
  void observe_taken_spans() {
    for (const RecordBatch& batch : sink.taken()) {
      span_metrics_consumer.consume(EventBatch{batch, Tool::kNone, {}, {}});
    }
  }
  ExportDone capture() {
    return [this](ExportResult r) { result = std::move(r); };
  }
};

TEST_F(IngestTest, AcceptedSpansAreBatchedPerServiceAndCounted) {
  trace_v1::ExportTraceServiceRequest request = simple_spans("a", 2);
  request.MergeFrom(simple_spans("b", 1));
  ingest.export_traces(request, capture());
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->outcome, ExportOutcome::kSuccess);
  EXPECT_EQ(result->rejected, 0);
  auto batches = sink.taken();
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0].source, "otlp-http");
  EXPECT_EQ(batches[0].service, "a");
  EXPECT_EQ(batches[0].profile, "otlp-span");
  EXPECT_EQ(batches[0].records.size(), 2u);
  EXPECT_EQ(batches[1].service, "b");
  EXPECT_EQ(batches[1].records.size(), 1u);
  EXPECT_EQ(metrics.items_value(OtlpSignal::kTraces, true), 3);
  EXPECT_EQ(metrics.items_value(OtlpSignal::kTraces, false), 0);
  observe_taken_spans();
  EXPECT_EQ(sample(registry, "specwatch_span_calls_total",
                   {{"service", "a"},
                    {"span_name", "span-1"},
                    {"span_kind", "internal"},
                    {"status_code", "unset"}}),
            1);
  EXPECT_EQ(sample(registry, "specwatch_span_duration_seconds",
                   {{"service", "b"},
                    {"span_name", "span-0"},
                    {"span_kind", "internal"},
                    {"status_code", "unset"}}),
            1);
  EXPECT_EQ(ingest.pending(), 0u);
}

TEST_F(IngestTest, SpanMetricsFoldIntoOverflowBeyondTheLimit) {
  ingest.export_traces(simple_spans("svc", 5), capture());  // limit is 3 series per metric
  ASSERT_TRUE(result.has_value());
  observe_taken_spans();
  EXPECT_EQ(series_count(registry, "specwatch_span_calls_total"), 4u);
  EXPECT_EQ(sample(registry, "specwatch_span_calls_total",
                   {{"service", "overflow"},
                    {"span_name", "overflow"},
                    {"span_kind", "overflow"},
                    {"status_code", "overflow"}}),
            2);
  EXPECT_EQ(sample(registry, "specwatch_series_overflow_total",
                   {{"metric", "specwatch_span_calls_total"}}),
            2);
  EXPECT_EQ(sample(registry, "specwatch_series_overflow_total",
                   {{"metric", "specwatch_span_duration_seconds"}}),
            2);
}

TEST_F(IngestTest, PartialSuccessReportsRejectedSpans) {
  ingest.export_traces(spans_with_one_bad("svc", 2), capture());
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->outcome, ExportOutcome::kPartial);
  EXPECT_EQ(result->rejected, 1);
  EXPECT_EQ(result->message, "span \"bad\": trace_id must be 16 bytes, got 3");
  EXPECT_EQ(metrics.items_value(OtlpSignal::kTraces, true), 2);
  EXPECT_EQ(metrics.items_value(OtlpSignal::kTraces, false), 1);
}

TEST_F(IngestTest, TheAnswerWaitsForTheAcknowledgement) {
  sink.set_hold(true);
  ingest.export_traces(simple_spans("svc", 1), capture());
  EXPECT_FALSE(result.has_value());
  EXPECT_EQ(ingest.pending(), 1u);
  sink.release_all();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->outcome, ExportOutcome::kSuccess);
  EXPECT_EQ(ingest.pending(), 0u);
}

TEST_F(IngestTest, AFullSinkAnswersUnavailableAndKeepsWhatWasAccepted) {
  sink.set_hold(true);
  sink.set_capacity(1);
  trace_v1::ExportTraceServiceRequest request = simple_spans("a", 1);
  request.MergeFrom(simple_spans("b", 1));
  ingest.export_traces(request, capture());  // "a" is taken and held, "b" is refused
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->outcome, ExportOutcome::kUnavailable);
  EXPECT_EQ(result->message, "the pipeline is full; retry later");
  EXPECT_EQ(sink.refused(), 1u);
  EXPECT_EQ(sink.taken().size(), 1u);
  EXPECT_EQ(metrics.items_value(OtlpSignal::kTraces, true), 1);
  result.reset();
  sink.release_all();  // the late acknowledgement answers nothing more
  EXPECT_FALSE(result.has_value());
  EXPECT_EQ(ingest.pending(), 0u);
}

TEST_F(IngestTest, AFailedDeliveryAnswersUnavailable) {
  sink.set_hold(true);
  ingest.export_traces(simple_spans("svc", 1), capture());
  sink.release_all(DeliveryStatus::kFailed);  // e.g. the pipeline stopped before processing it
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->outcome, ExportOutcome::kUnavailable);
  EXPECT_EQ(result->message, "the pipeline could not process the data");
}

TEST_F(IngestTest, ClosingAnswersPendingAndNewExportsUnavailable) {
  sink.set_hold(true);
  ingest.export_traces(simple_spans("svc", 1), capture());
  ingest.close();
  EXPECT_FALSE(ingest.wait_idle(std::chrono::milliseconds(1)));
  ingest.abort_pending();
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->outcome, ExportOutcome::kUnavailable);
  EXPECT_EQ(result->message, "the receiver is shutting down");
  EXPECT_TRUE(ingest.wait_idle(std::chrono::milliseconds(0)));
  result.reset();
  sink.release_all();  // the late acknowledgement answers nothing more
  EXPECT_FALSE(result.has_value());
  ingest.export_logs(logs_v1::ExportLogsServiceRequest(), capture());
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->outcome, ExportOutcome::kUnavailable);
  EXPECT_EQ(sink.taken().size(), 1u);
}

TEST_F(IngestTest, MetricsGoToTheMetricsConsumer) {
  metrics_v1::ExportMetricsServiceRequest request;
  auto* metric = request.add_resource_metrics()->add_scope_metrics()->add_metrics();
  metric->set_name("specular.provider.calls");
  metric->mutable_sum()->add_data_points()->set_as_int(3);
  metric->mutable_sum()->add_data_points()->set_as_int(4);
  ingest.export_metrics(request, capture());
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->outcome, ExportOutcome::kSuccess);
  EXPECT_EQ(metrics_consumer.requests(), 1);
  EXPECT_EQ(metrics_consumer.points(), 2);
  EXPECT_EQ(metrics.items_value(OtlpSignal::kMetrics, true), 2);
}

TEST_F(IngestTest, LogsUseTheLogProfile) {
  logs_v1::ExportLogsServiceRequest request;
  request.add_resource_logs()->add_scope_logs()->add_log_records()->set_time_unix_nano(1);
  ingest.export_logs(request, capture());
  ASSERT_TRUE(result.has_value());
  auto batches = sink.taken();
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].profile, "otlp-log");
  EXPECT_EQ(batches[0].service, "unknown_service");
}

}  // namespace
}  // namespace specwatch
