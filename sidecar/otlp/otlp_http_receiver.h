// OTLP/HTTP receiver on the project's HttpServer: POST /v1/traces, /v1/logs, /v1/metrics with
// Content-Type application/x-protobuf or application/json and Content-Encoding gzip or identity.
//
// Answers (the OTLP/HTTP specification):
//   200  Export*ServiceResponse in the request's encoding; partial_success when items were rejected
//   400  google.rpc.Status {code 3 (INVALID_ARGUMENT), message} for a body that does not decode
//   413  google.rpc.Status {code 3} for a body larger than max_body_bytes after decompression
//        (the server itself answers 413 {"error":"request body too large"} for a body larger than
//        max_compressed_bytes on the wire)
//   415  google.rpc.Status {code 3} (as JSON) for another Content-Type or Content-Encoding
//   503  google.rpc.Status {code 14 (UNAVAILABLE)} with Retry-After when the pipeline is full, or
//        when decode_queue requests already wait for the decode worker
// Answers of the server itself (http_server.h) are counted in specwatch_otlp_requests_total too:
// 413 (over max_compressed_bytes) as too_large, 400 and 431 as invalid, 501 (a Transfer-Encoding
// other than chunked) as unsupported_media_type; refused connections (503 over max_connections)
// in specwatch_http_connections_refused_total{listener="otlp-http"}.
// The io thread decodes identity protobuf itself, and gzip protobuf up to inline_inflate_bytes
// inflated; larger gzip bodies (bombs among them) and JSON, whose cost per byte received is high,
// go to one decode worker (otlp_decode_worker.h), so that they cannot delay it.
// Routes are asynchronous: the answer is sent only after the pipeline processed the batch (see
// otlp_ingest.h), without holding an io thread while waiting for the pipeline worker.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "sidecar/core/logger.h"
#include "sidecar/core/source.h"
#include "sidecar/otlp/otlp_ingest.h"

namespace specwatch {

// Only declared: this header must not bring in http_message.h (its HttpRequest would clash with
// other headers' names in the daemon's translation units).
class HttpServer;
class OtlpDecodeWorker;

struct OtlpHttpOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 4318;  // 0 = ephemeral (tests)
  std::size_t max_body_bytes = 16777216;
  std::size_t max_compressed_bytes = 16777216;
  int retry_after_seconds = 1;  // pipeline full, and connections over max_connections
  // Io threads. One: two threads sharing the io_context woke each other through futexes about
  // eight times per export (strace), and the decoding they could share is cheaper than that
  // (docs/PERFORMANCE.md, "One OTLP/HTTP thread").
  unsigned threads = 1;
  // Requests waiting for the decode worker (gzip and JSON bodies, otlp_decode_worker.h); one more
  // is answered 503 with Retry-After.
  std::size_t decode_queue = 64;
  // A gzip protobuf body that inflates to at most this many bytes is inflated and decoded on the io
  // thread; a larger one goes to the decode worker (otlp_http_receiver.cpp says why).
  std::size_t inline_inflate_bytes = 1048576;
  std::chrono::milliseconds header_timeout{5'000};  // see HttpServerOptions
  std::size_t max_connections = 256;
  OtlpIngestOptions ingest;  // ingest.source is set to "otlp-http"
};

class OtlpHttpReceiver final : public Source {
 public:
  OtlpHttpReceiver(OtlpHttpOptions options, OtlpBatchSink& sink, MetricsConsumer& metrics_consumer,
                   OtlpMetrics& metrics, Logger& logger);
  ~OtlpHttpReceiver() override;

  const std::string& name() const override { return name_; }
  // Listens; on failure logs the error, stays not ready and error() says why.
  void start() override;
  // Refuses new exports, waits up to drain_timeout_ms for those in flight, answers the rest 503,
  // closes the listener.
  void stop(int drain_timeout_ms) override;
  bool ready() const override { return listening_.load(); }
  std::string not_ready_reason() const override;

  std::string error() const;
  std::uint16_t port() const;
  // Keep-alive connections idle between requests (HttpServer::idle_connections).
  std::size_t idle_connections() const;
  // Requests waiting for the decode worker.
  std::size_t decode_queue_length() const;
  OtlpIngest& ingest() { return *ingest_; }

 private:
  struct Handler;  // decodes and answers one request (otlp_http_receiver.cpp)

  std::string name_ = "otlp-http";
  OtlpHttpOptions options_;
  OtlpMetrics& metrics_;
  Logger& logger_;
  std::unique_ptr<OtlpIngest> ingest_;
  std::unique_ptr<OtlpDecodeWorker> decode_worker_;
  std::unique_ptr<Handler> handler_;
  std::unique_ptr<HttpServer> server_;
  std::atomic<bool> listening_{false};
  mutable std::mutex mutex_;
  std::string error_;
  bool stopped_ = false;
};

}  // namespace specwatch
