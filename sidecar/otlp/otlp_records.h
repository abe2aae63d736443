// Turns OTLP export requests into pipeline Records: one JSON object per span or log record (the
// shapes are documented in sidecar/otlp/README.md and consumed by the "otlp-span" and "otlp-log"
// profiles), grouped by the resource's service.name. Items that break the OTLP rules (a trace id
// that is not 16 bytes, ...) are rejected and counted, never emitted.
//
// The records are built as RapidJSON values straight from the request's protobuf bytes
// (RecordFormat::kValue), never written as JSON text and parsed again: their strings refer to the
// bytes, which the Conversion's storage owns together with the values, and every batch made from
// it shares that storage. The decoder accepts what protobuf's generated parser accepts (unknown
// fields skipped, last value of a field wins, repeated messages merged) and refuses what it
// refuses (truncation, bad tags, strings that are not UTF-8, nesting deeper than 100).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/core/record.h"
#include "sidecar/otlp/proto/logs_service.pb.h"
#include "sidecar/otlp/proto/trace_service.pb.h"

namespace specwatch {

inline constexpr std::string_view kUnknownService = "unknown_service";

// What the RED span metrics need of one span. The views point into the span record (and so
// into the Conversion's storage).
struct SpanObservation {
  std::string_view name;
  std::string_view kind;    // "client", ...
  std::string_view status;  // "unset" | "ok" | "error"
  double duration_seconds = 0;
};

// The observation of a span record this decoder built (RecordFormat::kValue, "signal": "span");
// false for any other record (a log record, a record read from a file). Reads the members at the
// places the decoder puts them, by name only when a record is shaped otherwise.
bool span_observation_of(const Record& record, SpanObservation& out);

// The records of one service (resource service.name).
struct ServiceRecords {
  std::string service;
  std::vector<Record> records;
};

struct Conversion {
  std::vector<ServiceRecords> services;
  std::int64_t accepted = 0;
  std::int64_t rejected = 0;
  std::string error_message;  // why items were rejected (the first reason and a count)
  // Owns the request bytes and the values the records point to (RecordBatch::storage).
  std::shared_ptr<const void> storage;
};

// Decodes the protobuf bytes of an ExportTraceServiceRequest / ExportLogsServiceRequest. Returns
// "" and fills `out`, or the decode error "invalid OTLP protobuf: cannot parse
// ExportTraceServiceRequest (N bytes)". `origin` becomes Record::origin ("otlp-http", ...).
std::string decode_spans(std::string bytes, std::string_view origin, Conversion& out);
std::string decode_logs(std::string bytes, std::string_view origin, Conversion& out);

// The same from generated messages (OTLP/JSON bodies, tests): serialized, then decoded as above.
// A message holding strings that are not UTF-8 yields no records: all its items are rejected.
Conversion convert_spans(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request,
    std::string_view origin);
Conversion convert_logs(
    const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
    std::string_view origin);

std::string_view span_kind_name(int kind);
std::string_view status_code_name(int code);

}  // namespace specwatch
