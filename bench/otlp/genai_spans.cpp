#include "genai_spans.h"

#include <array>

#include "sidecar/otlp/otlp_json.h"

namespace specwatch::bench {
namespace {

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;

constexpr std::array<const char*, 4> kModels = {"gpt-4o", "claude-sonnet-4-5",
                                                "llama-3.3-70b-versatile", "gemini-2.0-flash"};
constexpr std::array<const char*, 4> kProviders = {"openai", "anthropic", "groq", "gcp.gemini"};

void put(trace::Span& span, const char* key, const std::string& value) {
  common::KeyValue* kv = span.add_attributes();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

void put(trace::Span& span, const char* key, std::int64_t value) {
  common::KeyValue* kv = span.add_attributes();
  kv->set_key(key);
  kv->mutable_value()->set_int_value(value);
}

std::string id(std::uint64_t a, std::uint64_t b, int bytes) {
  std::string out(bytes, '\0');
  for (int i = 0; i < bytes; ++i) {
    const std::uint64_t word = i < 8 ? a : b;
    out[i] = static_cast<char>((word >> ((i % 8) * 8)) & 0xff);
  }
  return out;
}

}  // namespace

opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest genai_batch(
    int spans, std::uint64_t seed) {
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest request;
  auto* resource_spans = request.add_resource_spans();
  auto* resource = resource_spans->mutable_resource();
  for (auto [key, value] :
       {std::pair{"service.name", "specular"}, std::pair{"service.version", "1.4.0"},
        std::pair{"deployment.environment", "dev"}}) {
    auto* kv = resource->add_attributes();
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value);
  }
  auto* scope_spans = resource_spans->add_scope_spans();
  scope_spans->mutable_scope()->set_name("specular/provider");
  scope_spans->mutable_scope()->set_version("1.4.0");
  const std::uint64_t base_time = 1'700'000'000'000'000'000ULL + seed * 1'000'000'000ULL;
  for (int i = 0; i < spans; ++i) {
    const std::size_t m = static_cast<std::size_t>(i) % kModels.size();
    trace::Span* span = scope_spans->add_spans();
    span->set_trace_id(
        id(seed * 1315423911ULL + static_cast<std::uint64_t>(i / 8) + 1, seed + 7, 16));
    span->set_span_id(id(seed * 2654435761ULL + static_cast<std::uint64_t>(i) + 1, 0, 8));
    // Eight calls per trace under one parent that is no call span (an agent's or a workflow's):
    // a parent among the calls would make them one call counted once (call de-duplication).
    span->set_parent_span_id(id(~(seed * 2654435761ULL + (i / 8) * 8 + 1), 0, 8));
    span->set_name(std::string("chat ") + kModels[m]);
    span->set_kind(trace::Span::SPAN_KIND_CLIENT);
    const std::uint64_t start = base_time + static_cast<std::uint64_t>(i) * 1'000'000ULL;
    span->set_start_time_unix_nano(start);
    span->set_end_time_unix_nano(start + 250'000'000ULL +
                                 static_cast<std::uint64_t>(i % 50) * 10'000'000ULL);
    put(*span, "gen_ai.operation.name", std::string("chat"));
    put(*span, "gen_ai.provider.name", std::string(kProviders[m]));
    put(*span, "gen_ai.request.model", std::string(kModels[m]));
    put(*span, "gen_ai.response.model", std::string(kModels[m]));
    put(*span, "gen_ai.usage.input_tokens", static_cast<std::int64_t>(800 + i % 300));
    put(*span, "gen_ai.usage.output_tokens", static_cast<std::int64_t>(150 + i % 120));
    put(*span, "gen_ai.response.finish_reasons", std::string("stop"));
    put(*span, "workflow.id", "auto-" + std::to_string(1736965845 + seed));
    if (i % 50 == 49) {
      span->mutable_status()->set_code(trace::Status::STATUS_CODE_ERROR);
      span->mutable_status()->set_message("rate limited");
      put(*span, "error.type", std::string("429"));
    }
  }
  return request;
}

std::string genai_batch_json(int spans, std::uint64_t seed) {
  const auto request = genai_batch(spans, seed);
  // Hand-written OTLP/JSON (the receiver only decodes JSON; it never encodes requests).
  std::string out = R"({"resourceSpans":[{"resource":{"attributes":[)";
  auto any = [](const common::AnyValue& value) {
    if (value.value_case() == common::AnyValue::kIntValue) {
      return R"({"intValue":")" + std::to_string(value.int_value()) + R"("})";
    }
    return R"({"stringValue":")" + value.string_value() + R"("})";
  };
  auto attributes = [&](const auto& list) {
    std::string text;
    for (int i = 0; i < list.size(); ++i) {
      if (i > 0) text += ',';
      text += R"({"key":")" + list[i].key() + R"(","value":)" + any(list[i].value()) + "}";
    }
    return text;
  };
  const auto& rs = request.resource_spans(0);
  out += attributes(rs.resource().attributes());
  out += R"(]},"scopeSpans":[{"scope":{"name":"specular/provider","version":"1.4.0"},"spans":[)";
  const auto& spans_list = rs.scope_spans(0).spans();
  for (int i = 0; i < spans_list.size(); ++i) {
    const auto& span = spans_list[i];
    if (i > 0) out += ',';
    out += R"({"traceId":")" + to_hex(span.trace_id()) + R"(","spanId":")" +
           to_hex(span.span_id()) + R"(","parentSpanId":")" + to_hex(span.parent_span_id()) +
           R"(","name":")" + span.name() + R"(","kind":3,"startTimeUnixNano":")" +
           std::to_string(span.start_time_unix_nano()) + R"(","endTimeUnixNano":")" +
           std::to_string(span.end_time_unix_nano()) + R"(","attributes":[)" +
           attributes(span.attributes()) + R"(],"status":{"code":)" +
           std::to_string(span.status().code()) + R"(,"message":")" + span.status().message() +
           R"("}})";
  }
  out += "]}]}]}";
  return out;
}

}  // namespace specwatch::bench
