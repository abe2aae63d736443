// OTLP/gRPC receiver: the TraceService, LogsService and MetricsService Export methods on one
// grpc++ server, served through one completion queue that one thread of the receiver polls (the
// asynchronous API: a call is answered when the pipeline has processed its batch, without a
// thread blocked on it; gRPC's callback API ran two threads that woke each other about seven
// times per export, docs/PERFORMANCE.md "OTLP/gRPC on one thread"). gzip- and deflate-compressed
// messages are inflated by us, in bounded steps (gRPC 1.51 would inflate them without a bound); a
// message larger than max_body_bytes after decompression, or max_compressed_bytes as received, is
// refused with RESOURCE_EXHAUSTED. Statuses: OK with partial_success when items were rejected,
// UNAVAILABLE when the pipeline is full (the sender retries with backoff), INVALID_ARGUMENT with
// the reason for a message that does not decode. Compressed messages that inflate past
// inline_inflate_bytes are inflated on a decode worker of their own (otlp_decode_worker.h).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "sidecar/core/logger.h"
#include "sidecar/core/source.h"
#include "sidecar/otlp/otlp_ingest.h"

namespace grpc {
class Server;
}

namespace specwatch {

struct OtlpGrpcOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 4317;                    // 0 = ephemeral (tests)
  std::size_t max_body_bytes = 16777216;        // after decompression
  std::size_t max_compressed_bytes = 16777216;  // as received
  // A connection must finish the HTTP/2 handshake (preface and SETTINGS) within this, so idle
  // TCP connections do not pile up (gRPC 1.51 has no cap on connections; see README.md).
  std::chrono::milliseconds handshake_timeout{5'000};
  // A connection with no call for this long is closed (GOAWAY); the client reconnects when needed.
  std::chrono::milliseconds max_connection_idle{120'000};
  // A compressed message that inflates to more than this is inflated and decoded on the decode
  // worker (otlp_decode_worker.h) rather than on the completion-queue thread, so that large
  // messages and bombs cannot hold up the other calls; at most decode_queue calls wait for it,
  // one more is answered UNAVAILABLE.
  std::size_t inline_inflate_bytes = 1048576;
  std::size_t decode_queue = 64;
  OtlpIngestOptions ingest;  // ingest.source is set to "otlp-grpc"
};

class OtlpGrpcReceiver final : public Source {
 public:
  OtlpGrpcReceiver(OtlpGrpcOptions options, OtlpBatchSink& sink, MetricsConsumer& metrics_consumer,
                   OtlpMetrics& metrics, Logger& logger);
  ~OtlpGrpcReceiver() override;

  const std::string& name() const override { return name_; }
  void start() override;
  void stop(int drain_timeout_ms) override;
  bool ready() const override { return listening_.load(); }
  std::string not_ready_reason() const override;

  std::string error() const;
  std::uint16_t port() const { return static_cast<std::uint16_t>(port_.load()); }
  // Calls waiting for the decode worker.
  std::size_t decode_queue_length() const;
  OtlpIngest& ingest() { return *ingest_; }

  struct Services;

 private:
  void drain_queue();  // after a failed start: the completion queue was shut down, no thread ran

  std::string name_ = "otlp-grpc";
  OtlpGrpcOptions options_;
  Logger& logger_;
  OtlpMetrics& metrics_;
  std::unique_ptr<OtlpIngest> ingest_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<grpc::Server> server_;
  std::atomic<bool> listening_{false};
  std::atomic<int> port_{0};
  mutable std::mutex mutex_;
  std::string error_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace specwatch
