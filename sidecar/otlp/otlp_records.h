// Turns decoded OTLP spans and log records into pipeline Records: one compact JSON object per span
// or log record (the shapes are documented in sidecar/otlp/README.md and consumed by the
// "otlp-span" and "otlp-log" profiles), grouped by the resource's service.name. Items that break
// the OTLP rules (a trace id that is not 16 bytes, ...) are rejected and counted, never emitted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/core/record.h"
#include "sidecar/otlp/proto/logs_service.pb.h"
#include "sidecar/otlp/proto/trace_service.pb.h"

namespace specwatch {

inline constexpr std::string_view kUnknownService = "unknown_service";

// What the RED span metrics need of one span.
struct SpanObservation {
  std::string name;
  std::string_view kind;    // "client", ... (static strings)
  std::string_view status;  // "unset" | "ok" | "error"
  double duration_seconds = 0;
};

// The records of one service (resource service.name).
struct ServiceRecords {
  std::string service;
  std::vector<Record> records;
  std::vector<SpanObservation> spans;  // one per record for traces; empty for logs
};

struct Conversion {
  std::vector<ServiceRecords> services;
  std::int64_t accepted = 0;
  std::int64_t rejected = 0;
  std::string error_message;  // why items were rejected (the first reason and a count)
};

// `origin` becomes Record::origin ("otlp-http", "otlp-grpc").
Conversion convert_spans(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request,
    std::string_view origin);
Conversion convert_logs(
    const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
    std::string_view origin);

std::string_view span_kind_name(int kind);
std::string_view status_code_name(int code);

}  // namespace specwatch
