#include "sidecar/otlp/otlp_grpc_receiver.h"

#include <google/protobuf/arena.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>

#include "sidecar/otlp/gzip.h"
#include "sidecar/otlp/proto/logs_service.grpc.pb.h"
#include "sidecar/otlp/proto/metrics_service.grpc.pb.h"
#include "sidecar/otlp/proto/trace_service.grpc.pb.h"

namespace specwatch {
namespace {

namespace trace_v1 = opentelemetry::proto::collector::trace::v1;
namespace logs_v1 = opentelemetry::proto::collector::logs::v1;
namespace metrics_v1 = opentelemetry::proto::collector::metrics::v1;

using Clock = std::chrono::steady_clock;

// Connection limits (see add_connection_limits): calls at once on one connection; keepalive pings
// after 60 s without traffic, the connection closed if one is not answered in 20 s; the memory of
// all connections and calls together, at least 256 MiB and room for four of the largest messages.
constexpr int kMaxConcurrentStreams = 64;
constexpr int kKeepaliveTimeMs = 60'000;
constexpr int kKeepaliveTimeoutMs = 20'000;
constexpr std::size_t kMinMemoryQuota = std::size_t{256} * 1024 * 1024;

// The methods are registered "raw" (ByteBuffer in and out) so that an undecodable message is
// answered INVALID_ARGUMENT with a reason, as OTLP asks; gRPC's typed callback handlers would
// answer UNIMPLEMENTED with no message.
// The message's bytes, inflated here (bounded) when the sender compressed them. gRPC's own
// decompression is switched off: the gRPC 1.51 filter checks only the compressed size and then
// inflates without a bound, so a few MiB could inflate to gigabytes.
struct Payload {
  std::string raw;
  std::string inflated;
  std::string_view bytes;
  bool compressed = false;  // bytes is `inflated`
};

// OK, or the status to answer with.
grpc::Status read_payload(const grpc::ByteBuffer& buffer, std::size_t max_body_bytes,
                          Payload& payload) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "cannot read the message");
  }
  payload.raw.reserve(buffer.Length());
  for (const auto& slice : slices) {
    payload.raw.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  payload.bytes = payload.raw;
  // Neither the per-message "compressed" flag nor the grpc-encoding header is visible through
  // the C++ API; the first bytes tell. 1f 8b (gzip) cannot start a protobuf message (wire type
  // 7); 78 xx with a valid zlib header check (deflate) would be field 15, which no OTLP export
  // request declares.
  std::optional<CompressedFormat> format;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(payload.raw[i]); };
  if (payload.raw.size() >= 2 && byte(0) == 0x1f && byte(1) == 0x8b) {
    format = CompressedFormat::kGzip;
  } else if (payload.raw.size() >= 2 && byte(0) == 0x78 && (byte(0) * 256 + byte(1)) % 31 == 0) {
    format = CompressedFormat::kZlib;
  }
  if (format) {
    InflateResult result = inflate_bounded(payload.raw, max_body_bytes, payload.inflated, *format);
    if (result.status == InflateStatus::kTooLarge) {
      return grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          "message exceeds " + std::to_string(max_body_bytes) + " bytes after decompression");
    }
    if (result.status == InflateStatus::kCorrupt) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, result.error);
    }
    payload.bytes = payload.inflated;
    payload.compressed = true;
  } else if (payload.raw.size() > max_body_bytes) {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "message exceeds " + std::to_string(max_body_bytes) + " bytes");
  }
  return grpc::Status::OK;
}

// The methods are registered "raw" (ByteBuffer in and out) so that an undecodable message is
// answered INVALID_ARGUMENT with a reason, as OTLP asks (gRPC's typed callback handlers would
// answer UNIMPLEMENTED with no message), and so that decompression stays bounded.
template <typename Request, typename Response>
grpc::ServerUnaryReactor* handle_export(grpc::CallbackServerContext* context,
                                        const grpc::ByteBuffer* request_bytes,
                                        grpc::ByteBuffer* response_bytes, OtlpSignal signal,
                                        std::size_t max_body_bytes, OtlpIngest& ingest,
                                        OtlpMetrics& metrics) {
  const auto started = Clock::now();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto record = [&metrics, signal, started](ExportOutcome outcome) {
    const std::chrono::duration<double> elapsed = Clock::now() - started;
    metrics.request(OtlpProtocol::kGrpc, signal, outcome, elapsed.count());
  };

  Payload payload;
  if (grpc::Status status = read_payload(*request_bytes, max_body_bytes, payload); !status.ok()) {
    record(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ? ExportOutcome::kTooLarge
                                                                       : ExportOutcome::kInvalid);
    reactor->Finish(status);
    return reactor;
  }
  auto invalid = [&](const std::string& message) {
    record(ExportOutcome::kInvalid);
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message));
  };
  ExportDone done = [reactor, response_bytes, record, signal](ExportResult result) {
    record(result.outcome);
    if (result.outcome == ExportOutcome::kUnavailable) {
      reactor->Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, result.message));
      return;
    }
    Response response;
    if (result.rejected > 0 || !result.message.empty()) {
      auto* partial = response.mutable_partial_success();
      if constexpr (std::is_same_v<Response, trace_v1::ExportTraceServiceResponse>) {
        partial->set_rejected_spans(result.rejected);
      } else if constexpr (std::is_same_v<Response, logs_v1::ExportLogsServiceResponse>) {
        partial->set_rejected_log_records(result.rejected);
      } else {
        partial->set_rejected_data_points(result.rejected);
      }
      partial->set_error_message(result.message);
    }
    const std::string serialized = response.SerializeAsString();
    grpc::Slice slice(serialized);
    *response_bytes = grpc::ByteBuffer(&slice, 1);
    reactor->Finish(grpc::Status::OK);
  };
  (void)signal;
  // Spans and logs are decoded straight into records that refer to the payload's bytes.
  std::string bytes = payload.compressed ? std::move(payload.inflated) : std::move(payload.raw);
  if constexpr (std::is_same_v<Request, trace_v1::ExportTraceServiceRequest>) {
    if (std::string error = ingest.export_traces(std::move(bytes), std::move(done));
        !error.empty()) {
      invalid(error);
    }
  } else if constexpr (std::is_same_v<Request, logs_v1::ExportLogsServiceRequest>) {
    if (std::string error = ingest.export_logs(std::move(bytes), std::move(done)); !error.empty()) {
      invalid(error);
    }
  } else {
    google::protobuf::Arena arena;  // one allocation block instead of one per string
    Request& request = *google::protobuf::Arena::CreateMessage<Request>(&arena);
    if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      invalid("invalid OTLP protobuf: cannot parse " + Request::descriptor()->name() + " (" +
              std::to_string(bytes.size()) + " bytes)");
      return reactor;
    }
    ingest.export_metrics(request, std::move(done));
  }
  return reactor;
}

// One OTLP export service: the generated raw-callback base of its `Export` method, its request and
// response messages and its signal; the three services differ in nothing else.
template <typename Base, typename Request, typename Response, OtlpSignal kSignal>
class ExportService final : public Base {
 public:
  ExportService(OtlpIngest& ingest, OtlpMetrics& metrics, std::size_t max_body_bytes)
      : ingest_(ingest), metrics_(metrics), max_body_bytes_(max_body_bytes) {}
  grpc::ServerUnaryReactor* Export(grpc::CallbackServerContext* context,
                                   const grpc::ByteBuffer* request,
                                   grpc::ByteBuffer* response) override {
    return handle_export<Request, Response>(context, request, response, kSignal, max_body_bytes_,
                                            ingest_, metrics_);
  }

 private:
  OtlpIngest& ingest_;
  OtlpMetrics& metrics_;
  std::size_t max_body_bytes_;
};

}  // namespace

struct OtlpGrpcReceiver::Services {
  using Trace = ExportService<
      trace_v1::TraceService::WithRawCallbackMethod_Export<trace_v1::TraceService::Service>,
      trace_v1::ExportTraceServiceRequest, trace_v1::ExportTraceServiceResponse,
      OtlpSignal::kTraces>;
  using Logs = ExportService<
      logs_v1::LogsService::WithRawCallbackMethod_Export<logs_v1::LogsService::Service>,
      logs_v1::ExportLogsServiceRequest, logs_v1::ExportLogsServiceResponse, OtlpSignal::kLogs>;
  using Metrics = ExportService<
      metrics_v1::MetricsService::WithRawCallbackMethod_Export<metrics_v1::MetricsService::Service>,
      metrics_v1::ExportMetricsServiceRequest, metrics_v1::ExportMetricsServiceResponse,
      OtlpSignal::kMetrics>;

  Services(OtlpIngest& ingest, OtlpMetrics& metrics, std::size_t max_body_bytes)
      : trace(ingest, metrics, max_body_bytes),
        logs(ingest, metrics, max_body_bytes),
        metrics(ingest, metrics, max_body_bytes) {}
  Trace trace;
  Logs logs;
  Metrics metrics;
};

OtlpGrpcReceiver::OtlpGrpcReceiver(OtlpGrpcOptions options, OtlpBatchSink& sink,
                                   MetricsConsumer& metrics_consumer, OtlpMetrics& metrics,
                                   Logger& logger)
    : options_(std::move(options)), logger_(logger) {
  options_.ingest.source = name_;
  ingest_ = std::make_unique<OtlpIngest>(options_.ingest, sink, metrics_consumer, metrics);
  services_ = std::make_unique<Services>(*ingest_, metrics, options_.max_body_bytes);
}

OtlpGrpcReceiver::~OtlpGrpcReceiver() {
  stop(0);
}

namespace {

// gRPC 1.51 cannot cap the number of connections a server accepts. What bounds them instead:
// connections that never finish the handshake are closed after handshake_timeout, connections
// without calls after max_connection_idle, dead peers are found by keepalive pings, and the
// memory all connections together may take is a ResourceQuota (beyond it gRPC reclaims memory
// from idle connections and then refuses new allocations).
void add_connection_limits(grpc::ServerBuilder& builder, const OtlpGrpcOptions& options) {
  auto milliseconds = [](std::chrono::milliseconds value) {
    return static_cast<int>(std::min<std::int64_t>(value.count(), INT_MAX));
  };
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
                             milliseconds(options.handshake_timeout));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             milliseconds(options.max_connection_idle));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, kMaxConcurrentStreams);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  grpc::ResourceQuota quota("otlp-grpc");
  quota.Resize(std::max(kMinMemoryQuota, 4 * options.max_compressed_bytes));
  builder.SetResourceQuota(quota);
}

}  // namespace

void OtlpGrpcReceiver::start() {
  std::lock_guard lock(mutex_);
  if (started_ || stopped_) return;
  started_ = true;
  const bool v6 = options_.host.find(':') != std::string::npos;
  const std::string address =
      (v6 ? "[" + options_.host + "]" : options_.host) + ":" + std::to_string(options_.port);
  grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &selected_port);
  // The limit gRPC applies is on the bytes received (compressed or not); the limit after our
  // bounded decompression is max_body_bytes.
  builder.SetMaxReceiveMessageSize(static_cast<int>(options_.max_compressed_bytes));
  builder.AddChannelArgument(GRPC_ARG_ENABLE_PER_MESSAGE_DECOMPRESSION, 0);
  // gRPC sets SO_REUSEPORT by default: a second sidecar on the same port would then silently
  // share the traffic instead of failing to start.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  add_connection_limits(builder, options_);
  builder.RegisterService(&services_->trace);
  builder.RegisterService(&services_->logs);
  builder.RegisterService(&services_->metrics);
  server_ = builder.BuildAndStart();
  if (!server_ || selected_port == 0) {
    error_ = "cannot listen on " + address;
    if (server_) server_->Shutdown();
    server_.reset();
    logger_.error("OTLP/gRPC receiver cannot start", {{"error", error_}});
    return;
  }
  port_ = selected_port;
  listening_ = true;
  logger_.info("OTLP/gRPC receiver listening",
               {{"host", options_.host}, {"port", static_cast<unsigned>(selected_port)}});
}

void OtlpGrpcReceiver::stop(int drain_timeout_ms) {
  std::unique_ptr<grpc::Server> server;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    server = std::move(server_);
  }
  ingest_->close();
  ingest_->wait_idle(std::chrono::milliseconds(std::max(0, drain_timeout_ms)));
  ingest_->abort_pending();  // every reactor is finished before the server shuts down
  if (server) {
    // Every call has been answered by now; the grace lets those answers reach their senders
    // (a deadline of "now" cancels calls whose answer is still being written, and the sender
    // would see CANCELLED instead of UNAVAILABLE). Nothing else can hold the shutdown up.
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    server->Wait();
  }
  listening_ = false;
}

std::string OtlpGrpcReceiver::not_ready_reason() const {
  if (listening_) return {};
  std::lock_guard lock(mutex_);
  if (!error_.empty()) return error_;
  return stopped_ ? "stopped" : "not listening yet";
}

std::string OtlpGrpcReceiver::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

}  // namespace specwatch
