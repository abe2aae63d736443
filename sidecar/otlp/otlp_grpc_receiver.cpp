#include "sidecar/otlp/otlp_grpc_receiver.h"

#include <google/protobuf/arena.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "sidecar/otlp/gzip.h"
#include "sidecar/otlp/otlp_decode_worker.h"
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

// The message's bytes, inflated here (bounded) when the sender compressed them. gRPC's own
// decompression is switched off: the gRPC 1.51 filter checks only the compressed size and then
// inflates without a bound, so a few MiB could inflate to gigabytes.
struct Payload {
  std::string raw;
  std::string inflated;
  std::optional<CompressedFormat> format;  // set: `raw` is compressed
};

// Copies the message out of gRPC's slices and tells whether it is compressed; OK, or the status
// to answer with.
grpc::Status copy_payload(const grpc::ByteBuffer& buffer, Payload& payload) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "cannot read the message");
  }
  payload.raw.reserve(buffer.Length());
  for (const auto& slice : slices) {
    payload.raw.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  // Neither the per-message "compressed" flag nor the grpc-encoding header is visible through
  // the C++ API; the first bytes tell. 1f 8b (gzip) cannot start a protobuf message (wire type
  // 7); 78 xx with a valid zlib header check (deflate) would be field 15, which no OTLP export
  // request declares.
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(payload.raw[i]); };
  if (payload.raw.size() >= 2 && byte(0) == 0x1f && byte(1) == 0x8b) {
    payload.format = CompressedFormat::kGzip;
  } else if (payload.raw.size() >= 2 && byte(0) == 0x78 && (byte(0) * 256 + byte(1)) % 31 == 0) {
    payload.format = CompressedFormat::kZlib;
  }
  return grpc::Status::OK;
}

// What inflating the payload into payload.inflated (inflate_inline or inflate_bounded) came to:
// OK, or the status to answer with. Not for kDeferred.
grpc::Status settle_inflation(const InflateResult& result, std::size_t max_body_bytes,
                              Payload& payload) {
  if (result.status == InflateStatus::kTooLarge) {
    return grpc::Status(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        "message exceeds " + std::to_string(max_body_bytes) + " bytes after decompression");
  }
  if (result.status == InflateStatus::kCorrupt) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, result.error);
  }
  std::string().swap(payload.raw);  // the compressed copy is no longer needed
  return grpc::Status::OK;
}

// One call of an Export method, from the moment it is requested from the server until its answer
// was sent: the completion queue's tag for both steps. Calls are created and destroyed only on the
// receiver's completion-queue thread (and, before it runs and after it ended, by start and stop),
// so CallSet needs no lock.
class Call {
 public:
  virtual ~Call() = default;
  // The completion queue's event for this call: a call arrived (first), or its answer was sent
  // (second). `ok` false: the server is shutting down (first) or the answer could not be sent.
  // Returns false when the call is over and may be destroyed.
  virtual bool proceed(bool ok) = 0;
};

// The calls the receiver owns: one waiting per method, plus those being answered.
class CallSet {
 public:
  void add(std::unique_ptr<Call> call) {
    Call* key = call.get();
    calls_.emplace(key, std::move(call));
  }
  void remove(Call* call) { calls_.erase(call); }
  void clear() { calls_.clear(); }

 private:
  std::unordered_map<Call*, std::unique_ptr<Call>> calls_;
};

struct CallContext {
  OtlpIngest& ingest;
  OtlpMetrics& metrics;
  const OtlpGrpcOptions& options;
  grpc::ServerCompletionQueue& queue;
  CallSet& calls;
  OtlpDecodeWorker& decode_worker;
};

// The methods are registered "raw" (ByteBuffer in and out) so that an undecodable message is
// answered INVALID_ARGUMENT with a reason, as OTLP asks (gRPC's typed handlers would answer
// UNIMPLEMENTED with no message), and so that decompression stays bounded.
template <typename Service, typename Request, typename Response, OtlpSignal kSignal>
class ExportCall final : public Call {
 public:
  // Asks the server for the next call of this method.
  static void request(Service& service, const CallContext& context) {
    auto call = std::make_unique<ExportCall>(service, context);
    ExportCall& ref = *call;
    context.calls.add(std::move(call));
    service.RequestExport(&ref.server_context_, &ref.request_, &ref.responder_, &context.queue,
                          &context.queue, &ref);
  }

  ExportCall(Service& service, const CallContext& context)
      : service_(service), context_(context), responder_(&server_context_) {}

  bool proceed(bool ok) override {
    if (answering_ || !ok) return false;  // answered, or never arrived (shutdown)
    answering_ = true;
    request(service_, context_);  // the next call of this method may arrive meanwhile
    handle();
    return true;
  }

 private:
  void finish(const grpc::Status& status) { responder_.FinishWithError(status, this); }

  void record(ExportOutcome outcome) const {
    const std::chrono::duration<double> elapsed = Clock::now() - started_;
    context_.metrics.request(OtlpProtocol::kGrpc, kSignal, outcome, elapsed.count());
  }
  void refuse(ExportOutcome outcome, const grpc::Status& status) {
    record(outcome);
    finish(status);
  }
  static ExportOutcome outcome_of(const grpc::Status& status) {
    return status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED ? ExportOutcome::kTooLarge
                                                                       : ExportOutcome::kInvalid;
  }

  // On the completion-queue thread. A message that inflates to at most inline_inflate_bytes is
  // inflated and handled here; a larger one (a collector's large batch, or a bomb) goes to the
  // decode worker, so that it cannot hold up the other calls.
  void handle() {
    started_ = Clock::now();
    Payload payload;
    if (grpc::Status status = copy_payload(request_, payload); !status.ok()) {
      return refuse(ExportOutcome::kInvalid, status);
    }
    request_.Clear();
    const OtlpGrpcOptions& options = context_.options;
    if (!payload.format) {
      if (payload.raw.size() > options.max_body_bytes) {
        return refuse(
            ExportOutcome::kTooLarge,
            grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                         "message exceeds " + std::to_string(options.max_body_bytes) + " bytes"));
      }
      return ingest(std::move(payload.raw));
    }
    const InflateResult inline_result =
        inflate_inline(payload.raw, options.inline_inflate_bytes, options.max_body_bytes,
                       payload.inflated, *payload.format);
    if (inline_result.status != InflateStatus::kDeferred) {
      const grpc::Status status = settle_inflation(inline_result, options.max_body_bytes, payload);
      if (!status.ok()) return refuse(outcome_of(status), status);
      return ingest(std::move(payload.inflated));
    }
    auto posted = std::make_shared<Payload>(std::move(payload));
    OtlpDecodeWorker::Job job{
        [this, posted] {
          const std::size_t max_body_bytes = context_.options.max_body_bytes;
          const InflateResult result =
              inflate_bounded(posted->raw, max_body_bytes, posted->inflated, *posted->format);
          const grpc::Status status = settle_inflation(result, max_body_bytes, *posted);
          if (!status.ok()) return refuse(outcome_of(status), status);
          ingest(std::move(posted->inflated));
        },
        [this] {
          refuse(ExportOutcome::kUnavailable,
                 grpc::Status(grpc::StatusCode::UNAVAILABLE, "the receiver is shutting down"));
        }};
    if (!context_.decode_worker.try_post(job)) {
      refuse(ExportOutcome::kUnavailable,
             grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          context_.decode_worker.stopping()
                              ? "the receiver is shutting down"
                              : "the OTLP/gRPC decode queue is full; retry later"));
    }
  }

  // Decodes the message (spans and logs refer to its bytes, so they move into the records) and
  // hands it to the ingest, whose callback answers.
  void ingest(std::string bytes) {
    auto invalid = [&](const std::string& message) {
      refuse(ExportOutcome::kInvalid, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message));
    };
    // May run on the pipeline's thread; the call lives until its answer was sent.
    ExportDone done = [this](ExportResult result) {
      record(result.outcome);
      if (result.outcome == ExportOutcome::kUnavailable) {
        return finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, result.message));
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
      response_ = grpc::ByteBuffer(&slice, 1);
      responder_.Finish(response_, grpc::Status::OK, this);
    };
    OtlpIngest& ingest = context_.ingest;
    if constexpr (std::is_same_v<Request, trace_v1::ExportTraceServiceRequest>) {
      if (std::string error = ingest.export_traces(std::move(bytes), std::move(done));
          !error.empty()) {
        invalid(error);
      }
    } else if constexpr (std::is_same_v<Request, logs_v1::ExportLogsServiceRequest>) {
      if (std::string error = ingest.export_logs(std::move(bytes), std::move(done));
          !error.empty()) {
        invalid(error);
      }
    } else {
      google::protobuf::Arena arena;  // one allocation block instead of one per string
      Request& message = *google::protobuf::Arena::CreateMessage<Request>(&arena);
      if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
        return invalid("invalid OTLP protobuf: cannot parse " + Request::descriptor()->name() +
                       " (" + std::to_string(bytes.size()) + " bytes)");
      }
      ingest.export_metrics(message, std::move(done));
    }
  }

  Service& service_;
  CallContext context_;
  grpc::ServerContext server_context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  grpc::ServerAsyncResponseWriter<grpc::ByteBuffer> responder_;
  Clock::time_point started_;
  bool answering_ = false;
};

}  // namespace

struct OtlpGrpcReceiver::Services {
  using TraceService =
      trace_v1::TraceService::WithRawMethod_Export<trace_v1::TraceService::Service>;
  using LogsService = logs_v1::LogsService::WithRawMethod_Export<logs_v1::LogsService::Service>;
  using MetricsService =
      metrics_v1::MetricsService::WithRawMethod_Export<metrics_v1::MetricsService::Service>;

  TraceService trace;
  LogsService logs;
  MetricsService metrics;
  std::unique_ptr<grpc::ServerCompletionQueue> queue;
  CallSet calls;
  std::unique_ptr<OtlpDecodeWorker> decode_worker;
  std::thread thread;  // polls `queue`: every call's I/O and handling run on it

  // Asks for the first call of each method, then serves the queue until it is shut down and
  // drained.
  void serve(OtlpIngest& ingest, OtlpMetrics& otlp_metrics, const OtlpGrpcOptions& options) {
    const CallContext context{ingest, otlp_metrics, options, *queue, calls, *decode_worker};
    ExportCall<TraceService, trace_v1::ExportTraceServiceRequest,
               trace_v1::ExportTraceServiceResponse, OtlpSignal::kTraces>::request(trace, context);
    ExportCall<LogsService, logs_v1::ExportLogsServiceRequest, logs_v1::ExportLogsServiceResponse,
               OtlpSignal::kLogs>::request(logs, context);
    ExportCall<MetricsService, metrics_v1::ExportMetricsServiceRequest,
               metrics_v1::ExportMetricsServiceResponse, OtlpSignal::kMetrics>::request(metrics,
                                                                                        context);
    thread = std::thread([this] {
      void* tag = nullptr;
      bool ok = false;
      while (queue->Next(&tag, &ok)) {
        Call* call = static_cast<Call*>(tag);
        if (!call->proceed(ok)) calls.remove(call);
      }
    });
  }
};

OtlpGrpcReceiver::OtlpGrpcReceiver(OtlpGrpcOptions options, OtlpBatchSink& sink,
                                   MetricsConsumer& metrics_consumer, OtlpMetrics& metrics,
                                   Logger& logger)
    : options_(std::move(options)), logger_(logger), metrics_(metrics) {
  options_.ingest.source = name_;
  ingest_ = std::make_unique<OtlpIngest>(options_.ingest, sink, metrics_consumer, metrics);
  services_ = std::make_unique<Services>();
  services_->decode_worker = std::make_unique<OtlpDecodeWorker>(options_.decode_queue);
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
  services_->queue = builder.AddCompletionQueue();
  server_ = builder.BuildAndStart();
  if (!server_ || selected_port == 0) {
    error_ = "cannot listen on " + address;
    if (server_) server_->Shutdown();
    server_.reset();
    services_->queue->Shutdown();
    drain_queue();
    logger_.error("OTLP/gRPC receiver cannot start", {{"error", error_}});
    return;
  }
  services_->serve(*ingest_, metrics_, options_);
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
  services_->decode_worker->stop();  // answers the waiting calls, finishes the one being decoded
  ingest_->wait_idle(std::chrono::milliseconds(std::max(0, drain_timeout_ms)));
  ingest_->abort_pending();  // every reactor is finished before the server shuts down
  if (server) {
    // Every call has been answered by now; the grace lets those answers reach their senders
    // (a deadline of "now" cancels calls whose answer is still being written, and the sender
    // would see CANCELLED instead of UNAVAILABLE). Nothing else can hold the shutdown up.
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    server->Wait();
  }
  if (services_->queue) {
    services_->queue->Shutdown();
    if (services_->thread.joinable()) services_->thread.join();  // it drains the queue
  }
  services_->calls.clear();
  listening_ = false;
}

void OtlpGrpcReceiver::drain_queue() {
  void* tag = nullptr;
  bool ok = false;
  while (services_->queue->Next(&tag, &ok)) {
  }
}

std::string OtlpGrpcReceiver::not_ready_reason() const {
  if (listening_) return {};
  std::lock_guard lock(mutex_);
  if (!error_.empty()) return error_;
  return stopped_ ? "stopped" : "not listening yet";
}

std::size_t OtlpGrpcReceiver::decode_queue_length() const {
  return services_->decode_worker->waiting();
}

std::string OtlpGrpcReceiver::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

}  // namespace specwatch
