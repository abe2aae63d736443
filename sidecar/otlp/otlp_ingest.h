// The protocol-independent half of the OTLP receivers: takes a decoded export request, turns it
// into RecordBatches (one per service), offers them to the pipeline with a bounded wait, and
// reports the outcome through a callback once the pipeline has *processed* every batch (their
// BatchAcks ran) -- so a 200 / OK tells the sender the data went through normalization and
// derivation, and a crash before that makes the sender retry.
//
// Backpressure: a batch the pipeline does not take within `consume_timeout` ends the export with
// kUnavailable (HTTP 503 + Retry-After, gRPC UNAVAILABLE); memory is bounded by the pipeline queue
// plus the requests being decoded. A request whose spans belong to several services becomes
// several batches; if a later one is refused, the earlier ones stay accepted and a retry sends
// them again (at-least-once).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "sidecar/core/record.h"
#include "sidecar/otlp/otlp_receiver_metrics.h"
#include "sidecar/otlp/otlp_records.h"
#include "sidecar/otlp/proto/logs_service.pb.h"
#include "sidecar/otlp/proto/metrics_service.pb.h"
#include "sidecar/otlp/proto/trace_service.pb.h"

namespace specwatch {

// Where the receivers put their batches: Pipeline::try_consume_for (see pipeline_sink.h). On
// true the batch has been moved out; on false it is untouched.
class OtlpBatchSink {
 public:
  virtual ~OtlpBatchSink() = default;
  virtual bool try_consume_for(RecordBatch& batch, std::chrono::milliseconds timeout) = 0;
};

// Receives OTLP metrics exports (implemented by the metrics translator, sidecar/otlp_metrics).
// Called on a receiver thread, concurrently from the gRPC and HTTP receivers: implementations must
// be thread-safe.
class MetricsConsumer {
 public:
  virtual ~MetricsConsumer() = default;
  virtual void consume(
      const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request) = 0;
};

// Accepts and ignores metrics: for receivers built without the metrics translator (tests, tools).
class NullMetricsConsumer final : public MetricsConsumer {
 public:
  void consume(
      const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest&) override {}
};

struct ExportResult {
  ExportOutcome outcome = ExportOutcome::kSuccess;  // kSuccess, kPartial or kUnavailable
  std::int64_t rejected = 0;                        // items rejected (partial success)
  std::string message;                              // why (partial) or what failed
};
using ExportDone = std::function<void(ExportResult)>;

struct OtlpIngestOptions {
  std::string source = "otlp-http";  // RecordBatch::source and Record::origin
  std::string span_profile = "otlp-span";
  std::string log_profile = "otlp-log";
  std::chrono::milliseconds consume_timeout{200};
};

// Number of data points in a metrics export (what rejected_data_points would count).
std::int64_t count_data_points(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request);

class OtlpIngest {
 public:
  OtlpIngest(OtlpIngestOptions options, OtlpBatchSink& sink, MetricsConsumer& metrics_consumer,
             OtlpMetrics& metrics);
  // Answers what is still pending with kUnavailable.
  ~OtlpIngest();
  OtlpIngest(const OtlpIngest&) = delete;
  OtlpIngest& operator=(const OtlpIngest&) = delete;

  // Each calls `done` exactly once: at once (nothing to deliver, refused) or later from the
  // thread that releases the last BatchAck. Thread-safe.
  //
  // From the protobuf bytes of an export request (the records refer to them; see
  // otlp_records.h). Returns "" or, when the bytes do not decode, the error -- `done` is then
  // not called and the caller answers the sender.
  std::string export_traces(std::string protobuf_bytes, ExportDone done);
  std::string export_logs(std::string protobuf_bytes, ExportDone done);
  // From generated messages (OTLP/JSON bodies): the same records as from their bytes.
  void export_traces(
      const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request,
      ExportDone done);
  void export_logs(
      const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
      ExportDone done);
  void export_metrics(
      const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request,
      ExportDone done);

  // From now on every export is answered kUnavailable.
  void close();
  // Waits until no export is pending; false on timeout.
  bool wait_idle(std::chrono::milliseconds timeout);
  // Answers every pending export with kUnavailable now (their batches may still be processed
  // later; their acknowledgements then do nothing), and waits for answers being sent by other
  // threads to return. Must not be called from an ExportDone callback.
  void abort_pending();
  std::size_t pending() const;

  struct Pending;
  struct State;

 private:
  void deliver(Conversion&& conversion, OtlpSignal signal, const std::string& profile,
               ExportDone done);

  OtlpIngestOptions options_;
  OtlpBatchSink& sink_;
  MetricsConsumer& metrics_consumer_;
  OtlpMetrics& metrics_;
  std::shared_ptr<State> state_;  // shared with BatchAck callbacks, which may outlive us
};

}  // namespace specwatch
