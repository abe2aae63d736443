#include "sidecar/otlp/otlp_http_receiver.h"

#include <google/protobuf/arena.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "sidecar/core/ascii.h"
#include "sidecar/http/http_server.h"
#include "sidecar/otlp/gzip.h"
#include "sidecar/otlp/otlp_decode_worker.h"
#include "sidecar/otlp/otlp_json.h"
#include "sidecar/otlp/otlp_response.h"

namespace specwatch {
namespace {

namespace trace_v1 = opentelemetry::proto::collector::trace::v1;
namespace logs_v1 = opentelemetry::proto::collector::logs::v1;
namespace metrics_v1 = opentelemetry::proto::collector::metrics::v1;

// The media type without parameters and surrounding blanks, lower-cased.
std::string media_type(std::string_view value) {
  value = value.substr(0, value.find(';'));
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return ascii_lowercase(value);
}

HttpResponse status_response(unsigned http_status, OtlpEncoding encoding, int code,
                             const std::string& message) {
  HttpResponse response;
  response.status = http_status;
  response.content_type = content_type_of(encoding);
  response.body = encode_rpc_status(encoding, code, message);
  return response;
}

// Requests the HttpServer answered before the handler saw them, counted as the handler would.
void count_server_error(OtlpMetrics& metrics, std::string_view path, unsigned status) {
  std::optional<OtlpSignal> signal;
  if (path == "/v1/traces") signal = OtlpSignal::kTraces;
  if (path == "/v1/logs") signal = OtlpSignal::kLogs;
  if (path == "/v1/metrics") signal = OtlpSignal::kMetrics;
  if (!signal) return;  // no OTLP path: not an export request
  switch (status) {
    case 413:
      metrics.server_answered(*signal, ExportOutcome::kTooLarge);
      return;
    case 400:
    case 431:
      metrics.server_answered(*signal, ExportOutcome::kInvalid);
      return;
    case 501:
      metrics.server_answered(*signal, ExportOutcome::kUnsupportedMediaType);
      return;
    default:
      return;  // 405: another method on an OTLP path is not an export
  }
}

}  // namespace

// What a request's answer needs once the handler returned: it counts the request, with the time
// since it arrived, and sends the response.
using Answer = std::function<void(ExportOutcome, HttpResponse)>;

struct OtlpHttpReceiver::Handler {
  const OtlpHttpOptions& options;
  OtlpMetrics& metrics;
  OtlpIngest& ingest;
  OtlpDecodeWorker& decode_worker;
  void handle(OtlpSignal signal, HttpRequest&& request, HttpResponder respond);
  // On the decode worker: inflates a gzip body in full, then goes on as decode_* below.
  void decode_posted(OtlpSignal signal, OtlpEncoding encoding, bool gzip, HttpRequest&& request,
                     const Answer& answer);
  // An identity body: checks its size and ingests it.
  void decode_identity(OtlpSignal signal, OtlpEncoding encoding, std::string body,
                       const Answer& answer);
  // A gzip body inflated into `inflated`: answers 413 or 400 when inflating failed, else ingests.
  void decode_inflated(OtlpSignal signal, OtlpEncoding encoding, const InflateResult& result,
                       std::string inflated, const Answer& answer);
  // Decodes the body (protobuf spans and logs refer to its bytes, so it moves into them) and
  // hands it to the ingest, whose callback answers.
  void ingest_body(OtlpSignal signal, OtlpEncoding encoding, std::string body,
                   const Answer& answer);
  HttpResponse unavailable(OtlpEncoding encoding, const std::string& message) const;
};

OtlpHttpReceiver::OtlpHttpReceiver(OtlpHttpOptions options, OtlpBatchSink& sink,
                                   MetricsConsumer& metrics_consumer, OtlpMetrics& metrics,
                                   Logger& logger)
    : options_(std::move(options)), metrics_(metrics), logger_(logger) {
  options_.ingest.source = name_;
  ingest_ = std::make_unique<OtlpIngest>(options_.ingest, sink, metrics_consumer, metrics);
  decode_worker_ = std::make_unique<OtlpDecodeWorker>(options_.decode_queue);
  handler_ = std::make_unique<Handler>(Handler{options_, metrics_, *ingest_, *decode_worker_});
  HttpServerOptions server_options;
  server_options.host = options_.host;
  server_options.port = options_.port;
  server_options.threads = std::max(1u, options_.threads);
  server_options.max_body_bytes = options_.max_compressed_bytes;
  server_options.header_timeout = options_.header_timeout;
  server_options.max_connections = options_.max_connections;
  server_options.retry_after_seconds = options_.retry_after_seconds;
  server_options.on_connection_refused = [&metrics] { metrics.connection_refused_otlp_http(); };
  server_options.on_server_error = [&metrics](std::string_view path, unsigned status) {
    count_server_error(metrics, path, status);
  };
  server_ = std::make_unique<HttpServer>(server_options, logger);
  const std::pair<const char*, OtlpSignal> routes[] = {{"/v1/traces", OtlpSignal::kTraces},
                                                       {"/v1/logs", OtlpSignal::kLogs},
                                                       {"/v1/metrics", OtlpSignal::kMetrics}};
  for (const auto& [path, signal] : routes) {
    server_->add_async_route(
        path, {HttpMethod::kPost},
        [handler = handler_.get(), signal = signal](HttpRequest&& request, HttpResponder respond) {
          handler->handle(signal, std::move(request), std::move(respond));
        },
        options_.max_compressed_bytes);
  }
}

OtlpHttpReceiver::~OtlpHttpReceiver() {
  stop(0);
}

void OtlpHttpReceiver::start() {
  std::string problem = server_->start();
  std::lock_guard lock(mutex_);
  if (!problem.empty()) {
    error_ = problem;
    logger_.error("OTLP/HTTP receiver cannot start", {{"error", problem}});
    return;
  }
  listening_ = true;
  logger_.info("OTLP/HTTP receiver listening",
               {{"host", options_.host}, {"port", static_cast<unsigned>(server_->port())}});
}

void OtlpHttpReceiver::stop(int drain_timeout_ms) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  ingest_->close();
  decode_worker_->stop();  // answers the waiting requests 503, finishes the one being decoded
  ingest_->wait_idle(std::chrono::milliseconds(std::max(0, drain_timeout_ms)));
  ingest_->abort_pending();  // every responder is answered before the server goes away
  server_->stop();
  listening_ = false;
}

std::string OtlpHttpReceiver::not_ready_reason() const {
  if (listening_) return {};
  std::lock_guard lock(mutex_);
  if (!error_.empty()) return error_;
  return stopped_ ? "stopped" : "not listening yet";
}

std::string OtlpHttpReceiver::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

std::uint16_t OtlpHttpReceiver::port() const {
  return server_->port();
}

std::size_t OtlpHttpReceiver::idle_connections() const {
  return server_->idle_connections();
}

std::size_t OtlpHttpReceiver::decode_queue_length() const {
  return decode_worker_->waiting();
}

HttpResponse OtlpHttpReceiver::Handler::unavailable(OtlpEncoding encoding,
                                                    const std::string& message) const {
  HttpResponse response = status_response(503, encoding, kRpcUnavailable, message);
  response.headers.emplace_back("Retry-After", std::to_string(options.retry_after_seconds));
  return response;
}

void OtlpHttpReceiver::Handler::handle(OtlpSignal signal, HttpRequest&& request,
                                       HttpResponder respond) {
  const auto started = std::chrono::steady_clock::now();
  Answer answer = [this, signal, started, respond = std::move(respond)](ExportOutcome outcome,
                                                                        HttpResponse response) {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    metrics.request(OtlpProtocol::kHttp, signal, outcome, elapsed.count());
    respond(std::move(response));
  };

  const auto content_type = request.headers.get("Content-Type");
  const std::string type = content_type ? media_type(*content_type) : std::string();
  OtlpEncoding encoding;
  if (type == "application/x-protobuf") {
    encoding = OtlpEncoding::kProtobuf;
  } else if (type == "application/json") {
    encoding = OtlpEncoding::kJson;
  } else {
    answer(ExportOutcome::kUnsupportedMediaType,
           status_response(415, OtlpEncoding::kJson, kRpcInvalidArgument,
                           "unsupported Content-Type \"" + std::string(content_type.value_or("")) +
                               "\"; use application/x-protobuf or application/json"));
    return;
  }
  const std::string coding =
      ascii_lowercase(request.headers.get("Content-Encoding").value_or("identity"));
  if (coding != "gzip" && coding != "identity") {
    answer(
        ExportOutcome::kUnsupportedMediaType,
        status_response(415, encoding, kRpcInvalidArgument,
                        "unsupported Content-Encoding \"" + coding + "\"; use gzip or identity"));
    return;
  }
  const bool gzip = coding == "gzip";
  if (encoding == OtlpEncoding::kProtobuf) {
    if (!gzip) return decode_identity(signal, encoding, std::move(request.body), answer);
    // A gzip body that inflates to at most inline_inflate_bytes is inflated and decoded here: the
    // hand-off to the worker (two thread wake-ups) would cost more. A larger one, or a bomb, is
    // inflated again, in full, by the worker; the io thread never inflates more than that bound.
    std::string inflated;
    const InflateResult result =
        inflate_inline(request.body, options.inline_inflate_bytes, options.max_body_bytes, inflated,
                       CompressedFormat::kGzip);
    if (result.status != InflateStatus::kDeferred) {
      std::string().swap(request.body);  // the compressed copy is no longer needed
      return decode_inflated(signal, encoding, result, std::move(inflated), answer);
    }
  }

  // Shared by the two callbacks, of which exactly one runs.
  struct Posted {
    HttpRequest request;
    Answer answer;
  };
  auto posted = std::make_shared<Posted>(Posted{std::move(request), std::move(answer)});
  OtlpDecodeWorker::Job job{
      [this, posted, signal, encoding, gzip] {
        decode_posted(signal, encoding, gzip, std::move(posted->request), posted->answer);
      },
      [this, posted, encoding] {
        posted->answer(ExportOutcome::kUnavailable,
                       unavailable(encoding, "the receiver is shutting down"));
      }};
  if (!decode_worker.try_post(job)) {
    posted->answer(ExportOutcome::kUnavailable,
                   unavailable(encoding, decode_worker.stopping()
                                             ? "the receiver is shutting down"
                                             : "the OTLP/HTTP decode queue is full; retry later"));
  }
}

void OtlpHttpReceiver::Handler::decode_posted(OtlpSignal signal, OtlpEncoding encoding, bool gzip,
                                              HttpRequest&& request, const Answer& answer) {
  if (!gzip) return decode_identity(signal, encoding, std::move(request.body), answer);
  std::string inflated;
  const InflateResult result = gunzip_bounded(request.body, options.max_body_bytes, inflated);
  std::string().swap(request.body);
  decode_inflated(signal, encoding, result, std::move(inflated), answer);
}

void OtlpHttpReceiver::Handler::decode_identity(OtlpSignal signal, OtlpEncoding encoding,
                                                std::string body, const Answer& answer) {
  if (body.size() > options.max_body_bytes) {
    answer(ExportOutcome::kTooLarge,
           status_response(
               413, encoding, kRpcInvalidArgument,
               "request body exceeds " + std::to_string(options.max_body_bytes) + " bytes"));
    return;
  }
  ingest_body(signal, encoding, std::move(body), answer);
}

void OtlpHttpReceiver::Handler::decode_inflated(OtlpSignal signal, OtlpEncoding encoding,
                                                const InflateResult& result, std::string inflated,
                                                const Answer& answer) {
  if (result.status == InflateStatus::kTooLarge) {
    answer(ExportOutcome::kTooLarge,
           status_response(413, encoding, kRpcInvalidArgument,
                           "request body exceeds " + std::to_string(options.max_body_bytes) +
                               " bytes after decompression"));
    return;
  }
  if (result.status == InflateStatus::kCorrupt) {
    answer(ExportOutcome::kInvalid,
           status_response(400, encoding, kRpcInvalidArgument, result.error));
    return;
  }
  ingest_body(signal, encoding, std::move(inflated), answer);
}

void OtlpHttpReceiver::Handler::ingest_body(OtlpSignal signal, OtlpEncoding encoding,
                                            std::string body, const Answer& answer) {
  auto on_done = [this, answer, encoding, signal](ExportResult result) {
    if (result.outcome == ExportOutcome::kUnavailable) {
      answer(ExportOutcome::kUnavailable, unavailable(encoding, result.message));
      return;
    }
    HttpResponse response;
    response.status = 200;
    response.content_type = content_type_of(encoding);
    response.body = encode_export_response(encoding, signal, result.rejected, result.message);
    answer(result.outcome, std::move(response));
  };
  auto invalid = [&](const std::string& message) {
    answer(ExportOutcome::kInvalid, status_response(400, encoding, kRpcInvalidArgument, message));
  };

  // Protobuf spans and logs are decoded straight into records that refer to the body's bytes,
  // so the body moves into them; OTLP/JSON goes through the generated messages.
  google::protobuf::Arena arena;  // one allocation block instead of one per string
  switch (signal) {
    case OtlpSignal::kTraces: {
      if (encoding == OtlpEncoding::kProtobuf) {
        if (std::string error = ingest.export_traces(std::move(body), std::move(on_done));
            !error.empty()) {
          return invalid(error);
        }
        return;
      }
      auto* message =
          google::protobuf::Arena::CreateMessage<trace_v1::ExportTraceServiceRequest>(&arena);
      if (std::string error = decode_request(encoding, body, *message); !error.empty()) {
        return invalid(error);
      }
      ingest.export_traces(*message, std::move(on_done));
      return;
    }
    case OtlpSignal::kLogs: {
      if (encoding == OtlpEncoding::kProtobuf) {
        if (std::string error = ingest.export_logs(std::move(body), std::move(on_done));
            !error.empty()) {
          return invalid(error);
        }
        return;
      }
      auto* message =
          google::protobuf::Arena::CreateMessage<logs_v1::ExportLogsServiceRequest>(&arena);
      if (std::string error = decode_request(encoding, body, *message); !error.empty()) {
        return invalid(error);
      }
      ingest.export_logs(*message, std::move(on_done));
      return;
    }
    case OtlpSignal::kMetrics: {
      auto* message =
          google::protobuf::Arena::CreateMessage<metrics_v1::ExportMetricsServiceRequest>(&arena);
      if (std::string error = decode_request(encoding, body, *message); !error.empty()) {
        return invalid(error);
      }
      ingest.export_metrics(*message, std::move(on_done));
      return;
    }
  }
}

}  // namespace specwatch
