#include "sidecar/otlp/otlp_response.h"

#include <limits>

#include "sidecar/core/logger.h"
#include "sidecar/otlp/otlp_json.h"
#include "sidecar/otlp/proto/logs_service.pb.h"
#include "sidecar/otlp/proto/metrics_service.pb.h"
#include "sidecar/otlp/proto/rpc_status.pb.h"
#include "sidecar/otlp/proto/trace_service.pb.h"

namespace specwatch {

std::string_view content_type_of(OtlpEncoding encoding) {
  return encoding == OtlpEncoding::kProtobuf ? "application/x-protobuf" : "application/json";
}

std::string decode_request(OtlpEncoding encoding, std::string_view body,
                           google::protobuf::Message& message) {
  if (encoding == OtlpEncoding::kJson) return parse_otlp_json(body, message);
  if (body.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      !message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    message.Clear();
    return "invalid OTLP protobuf: cannot parse " + message.GetDescriptor()->name() + " (" +
           std::to_string(body.size()) + " bytes)";
  }
  return {};
}

std::string encode_export_response(OtlpEncoding encoding, OtlpSignal signal, std::int64_t rejected,
                                   const std::string& message) {
  const bool partial = rejected > 0 || !message.empty();
  if (encoding == OtlpEncoding::kJson) {
    if (!partial) return "{}";
    const char* field = signal == OtlpSignal::kTraces ? "rejectedSpans"
                        : signal == OtlpSignal::kLogs ? "rejectedLogRecords"
                                                      : "rejectedDataPoints";
    std::string out = "{\"partialSuccess\":{\"";
    out.append(field).append("\":\"").append(std::to_string(rejected));
    out.append("\",\"errorMessage\":\"");
    append_json_escaped(out, message);
    out.append("\"}}");
    return out;
  }
  std::string out;
  switch (signal) {
    case OtlpSignal::kTraces: {
      opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
      if (partial) {
        response.mutable_partial_success()->set_rejected_spans(rejected);
        response.mutable_partial_success()->set_error_message(message);
      }
      response.SerializeToString(&out);
      break;
    }
    case OtlpSignal::kLogs: {
      opentelemetry::proto::collector::logs::v1::ExportLogsServiceResponse response;
      if (partial) {
        response.mutable_partial_success()->set_rejected_log_records(rejected);
        response.mutable_partial_success()->set_error_message(message);
      }
      response.SerializeToString(&out);
      break;
    }
    case OtlpSignal::kMetrics: {
      opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceResponse response;
      if (partial) {
        response.mutable_partial_success()->set_rejected_data_points(rejected);
        response.mutable_partial_success()->set_error_message(message);
      }
      response.SerializeToString(&out);
      break;
    }
  }
  return out;
}

std::string encode_rpc_status(OtlpEncoding encoding, int code, const std::string& message) {
  if (encoding == OtlpEncoding::kJson) {
    std::string out = "{\"code\":" + std::to_string(code) + ",\"message\":\"";
    append_json_escaped(out, message);
    out.append("\"}");
    return out;
  }
  google::rpc::Status status;
  status.set_code(code);
  status.set_message(message);
  return status.SerializeAsString();
}

}  // namespace specwatch
