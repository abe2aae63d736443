#include "sidecar/otlp/otlp_records.h"

#include <charconv>
#include <cmath>
#include <unordered_map>

#include "sidecar/core/logger.h"
#include "sidecar/otlp/otlp_json.h"

namespace specwatch {
namespace {

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;
namespace logs = opentelemetry::proto::logs::v1;
using KeyValues = google::protobuf::RepeatedPtrField<common::KeyValue>;

constexpr int kMaxValueDepth = 32;  // nested arrays / kvlists deeper than this become null

// Runs of printable ASCII are copied at once; anything else (escapes, non-ASCII, which
// append_json_escaped checks for valid UTF-8) goes through the shared escaper.
void append_string(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    std::size_t end = i + 1;
    while (end < text.size() && static_cast<unsigned char>(text[end]) >= 0x80) ++end;
    append_json_escaped(out, text.substr(i, end - i));
    run = end;
    i = end - 1;
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

template <typename T>
void append_integer(std::string& out, T value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
}

void append_double(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append("\"NaN\"");
  } else if (std::isinf(value)) {
    out.append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
    out.append(buffer, end);
  }
}

void append_key(std::string& out, std::string_view key, bool& first) {
  if (!first) out.push_back(',');
  first = false;
  append_string(out, key);
  out.push_back(':');
}

void append_any(std::string& out, const common::AnyValue& value, int depth);

void append_kvlist(std::string& out, const KeyValues& values, int depth) {
  out.push_back('{');
  bool first = true;
  for (const auto& kv : values) {
    append_key(out, kv.key(), first);
    append_any(out, kv.value(), depth + 1);
  }
  out.push_back('}');
}

void append_any(std::string& out, const common::AnyValue& value, int depth) {
  if (depth > kMaxValueDepth) {
    out.append("null");
    return;
  }
  switch (value.value_case()) {
    case common::AnyValue::kStringValue:
      append_string(out, value.string_value());
      return;
    case common::AnyValue::kBoolValue:
      out.append(value.bool_value() ? "true" : "false");
      return;
    case common::AnyValue::kIntValue:
      append_integer(out, value.int_value());
      return;
    case common::AnyValue::kDoubleValue:
      append_double(out, value.double_value());
      return;
    case common::AnyValue::kArrayValue: {
      out.push_back('[');
      bool first = true;
      for (const auto& element : value.array_value().values()) {
        if (!first) out.push_back(',');
        first = false;
        append_any(out, element, depth + 1);
      }
      out.push_back(']');
      return;
    }
    case common::AnyValue::kKvlistValue:
      append_kvlist(out, value.kvlist_value().values(), depth);
      return;
    case common::AnyValue::kBytesValue:
      out.push_back('"');
      append_base64(out, value.bytes_value());
      out.push_back('"');
      return;
    case common::AnyValue::VALUE_NOT_SET:
      out.append("null");
      return;
  }
  out.append("null");
}

std::string service_name(const KeyValues& resource_attributes) {
  for (const auto& kv : resource_attributes) {
    if (kv.key() == "service.name" && kv.value().value_case() == common::AnyValue::kStringValue &&
        !kv.value().string_value().empty()) {
      return kv.value().string_value();
    }
  }
  return std::string(kUnknownService);
}

// Collects records per service, in order of first appearance.
class ServiceGroups {
 public:
  explicit ServiceGroups(Conversion& conversion) : conversion_(conversion) {}
  ServiceRecords& get(const std::string& service) {
    auto [it, inserted] = index_.emplace(service, conversion_.services.size());
    if (inserted) conversion_.services.push_back(ServiceRecords{service, {}, {}});
    return conversion_.services[it->second];
  }

 private:
  Conversion& conversion_;
  std::unordered_map<std::string, std::size_t> index_;
};

// Remembers the first rejection reason; the final message also says how many were rejected.
void reject(Conversion& conversion, std::string reason) {
  if (conversion.rejected++ == 0) conversion.error_message = std::move(reason);
}

void finish(Conversion& conversion, std::string_view what) {
  if (conversion.rejected > 1) {
    conversion.error_message += " (and " + std::to_string(conversion.rejected - 1) + " more " +
                                std::string(what) + " rejected)";
  }
}

std::string span_problem(const trace::Span& span) {
  if (span.trace_id().size() != 16) {
    return "span \"" + span.name() + "\": trace_id must be 16 bytes, got " +
           std::to_string(span.trace_id().size());
  }
  if (span.span_id().size() != 8) {
    return "span \"" + span.name() + "\": span_id must be 8 bytes, got " +
           std::to_string(span.span_id().size());
  }
  if (!span.parent_span_id().empty() && span.parent_span_id().size() != 8) {
    return "span \"" + span.name() + "\": parent_span_id must be empty or 8 bytes, got " +
           std::to_string(span.parent_span_id().size());
  }
  return {};
}

std::string log_problem(const logs::LogRecord& log) {
  if (!log.trace_id().empty() && log.trace_id().size() != 16) {
    return "log record: trace_id must be empty or 16 bytes, got " +
           std::to_string(log.trace_id().size());
  }
  if (!log.span_id().empty() && log.span_id().size() != 8) {
    return "log record: span_id must be empty or 8 bytes, got " +
           std::to_string(log.span_id().size());
  }
  return {};
}

}  // namespace

std::string_view span_kind_name(int kind) {
  switch (kind) {
    case trace::Span::SPAN_KIND_INTERNAL:
      return "internal";
    case trace::Span::SPAN_KIND_SERVER:
      return "server";
    case trace::Span::SPAN_KIND_CLIENT:
      return "client";
    case trace::Span::SPAN_KIND_PRODUCER:
      return "producer";
    case trace::Span::SPAN_KIND_CONSUMER:
      return "consumer";
    default:
      return "unspecified";
  }
}

std::string_view status_code_name(int code) {
  switch (code) {
    case trace::Status::STATUS_CODE_OK:
      return "ok";
    case trace::Status::STATUS_CODE_ERROR:
      return "error";
    default:
      return "unset";
  }
}

Conversion convert_spans(
    const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request,
    std::string_view origin) {
  Conversion conversion;
  ServiceGroups groups(conversion);
  std::string resource_json;
  for (const auto& resource_spans : request.resource_spans()) {
    const auto& resource_attributes = resource_spans.resource().attributes();
    ServiceRecords* group = nullptr;  // created on the first accepted span
    resource_json.clear();
    append_kvlist(resource_json, resource_attributes, 0);
    for (const auto& scope_spans : resource_spans.scope_spans()) {
      const auto& scope = scope_spans.scope();
      for (const auto& span : scope_spans.spans()) {
        if (std::string problem = span_problem(span); !problem.empty()) {
          reject(conversion, std::move(problem));
          continue;
        }
        if (group == nullptr) group = &groups.get(service_name(resource_attributes));
        const std::uint64_t start = span.start_time_unix_nano();
        const std::uint64_t end = span.end_time_unix_nano();
        const std::uint64_t duration = end > start ? end - start : 0;
        const std::string_view kind = span_kind_name(span.kind());
        const std::string_view status = status_code_name(span.status().code());

        std::string out;
        out.reserve(1024 + resource_json.size());  // ByteSizeLong() would walk the span again
        out.append("{\"signal\":\"span\",\"name\":");
        append_string(out, span.name());
        out.append(",\"kind\":\"").append(kind).append("\",\"trace_id\":\"");
        append_hex(out, span.trace_id());
        out.append("\",\"span_id\":\"");
        append_hex(out, span.span_id());
        out.append("\",\"parent_span_id\":\"");
        append_hex(out, span.parent_span_id());
        out.append("\",\"start_time_unix_nano\":");
        append_integer(out, start);
        out.append(",\"duration_ns\":");
        append_integer(out, duration);
        out.append(",\"status\":{\"code\":\"").append(status).append("\",\"message\":");
        append_string(out, span.status().message());
        out.append("},\"attributes\":");
        append_kvlist(out, span.attributes(), 0);
        out.append(",\"resource\":").append(resource_json);
        out.append(",\"scope\":{\"name\":");
        append_string(out, scope.name());
        out.append(",\"version\":");
        append_string(out, scope.version());
        out.append("},\"events\":[");
        bool first = true;
        for (const auto& event : span.events()) {
          if (!first) out.push_back(',');
          first = false;
          out.append("{\"name\":");
          append_string(out, event.name());
          out.append(",\"attributes\":");
          append_kvlist(out, event.attributes(), 0);
          out.push_back('}');
        }
        out.append("]}");

        group->records.push_back(Record{std::move(out), RecordFormat::kJson, std::string(origin)});
        group->spans.push_back(
            SpanObservation{span.name(), kind, status, static_cast<double>(duration) / 1e9});
        ++conversion.accepted;
      }
    }
  }
  finish(conversion, "spans");
  return conversion;
}

Conversion convert_logs(
    const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request,
    std::string_view origin) {
  Conversion conversion;
  ServiceGroups groups(conversion);
  std::string resource_json;
  for (const auto& resource_logs : request.resource_logs()) {
    const auto& resource_attributes = resource_logs.resource().attributes();
    ServiceRecords* group = nullptr;
    resource_json.clear();
    append_kvlist(resource_json, resource_attributes, 0);
    for (const auto& scope_logs : resource_logs.scope_logs()) {
      for (const auto& log : scope_logs.log_records()) {
        if (std::string problem = log_problem(log); !problem.empty()) {
          reject(conversion, std::move(problem));
          continue;
        }
        if (group == nullptr) group = &groups.get(service_name(resource_attributes));
        // A record without its own time is placed at the time it was observed.
        const std::uint64_t time =
            log.time_unix_nano() != 0 ? log.time_unix_nano() : log.observed_time_unix_nano();
        std::string out;
        out.reserve(512 + resource_json.size());
        out.append("{\"signal\":\"log\",\"time_unix_nano\":");
        append_integer(out, time);
        out.append(",\"severity_number\":");
        append_integer(out, log.severity_number());
        out.append(",\"severity_text\":");
        append_string(out, log.severity_text());
        out.append(",\"body\":");
        if (log.has_body()) {
          append_any(out, log.body(), 0);
        } else {
          out.append("null");
        }
        out.append(",\"attributes\":");
        append_kvlist(out, log.attributes(), 0);
        out.append(",\"resource\":").append(resource_json);
        out.append(",\"trace_id\":\"");
        append_hex(out, log.trace_id());
        out.append("\",\"span_id\":\"");
        append_hex(out, log.span_id());
        out.append("\"}");
        group->records.push_back(Record{std::move(out), RecordFormat::kJson, std::string(origin)});
        ++conversion.accepted;
      }
    }
  }
  finish(conversion, "log records");
  return conversion;
}

}  // namespace specwatch
