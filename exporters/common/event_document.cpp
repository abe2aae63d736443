#include "exporters/common/event_document.h"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <variant>

#include "sidecar/core/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace specwatch {
namespace {

// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month, unsigned& day) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
}

void put_digits(char* at, std::uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    at[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

std::string rfc3339_nanos(std::int64_t unix_ns) {
  std::array<char, kRfc3339NanosLength> text;
  write_rfc3339_nanos(unix_ns, text);
  return std::string(text.data(), text.size());
}

void write_rfc3339_nanos(std::int64_t unix_ns, std::array<char, kRfc3339NanosLength>& out) {
  constexpr std::int64_t kNanosPerDay = 86400LL * 1000000000LL;
  std::int64_t days = unix_ns / kNanosPerDay;
  std::int64_t rest = unix_ns % kNanosPerDay;
  if (rest < 0) {
    rest += kNanosPerDay;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civil_from_days(days, year, month, day);
  const auto seconds = static_cast<std::uint64_t>(rest / 1000000000LL);
  constexpr std::string_view kShape = "0000-00-00T00:00:00.000000000Z";
  static_assert(kShape.size() == kRfc3339NanosLength);
  std::copy(kShape.begin(), kShape.end(), out.begin());
  put_digits(out.data(), static_cast<std::uint64_t>(year < 0 ? 0 : year % 10000), 4);
  put_digits(out.data() + 5, month, 2);
  put_digits(out.data() + 8, day, 2);
  put_digits(out.data() + 11, seconds / 3600, 2);
  put_digits(out.data() + 14, seconds / 60 % 60, 2);
  put_digits(out.data() + 17, seconds % 60, 2);
  put_digits(out.data() + 20, static_cast<std::uint64_t>(rest % 1000000000LL), 9);
}

bool EventDocumentEncoder::JsonWriter::needs_escape(std::string_view text) {
  const char* at = text.data();
  std::size_t left = text.size();
#if defined(__SSE2__)
  const __m128i limit = _mm_set1_epi8(0x1F);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; left >= 16; at += 16, left -= 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    // A byte ≤ 0x1F saturates to 0 when 0x1F is subtracted.
    const __m128i control = _mm_cmpeq_epi8(_mm_subs_epu8(bytes, limit), _mm_setzero_si128());
    const __m128i special =
        _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash));
    if (_mm_movemask_epi8(_mm_or_si128(control, special)) != 0) return true;
  }
#endif
  for (; left > 0; ++at, --left) {
    const auto byte = static_cast<unsigned char>(*at);
    if (byte < 0x20 || byte == '"' || byte == '\\') return true;
  }
  return false;
}

void EventDocumentEncoder::key(std::string_view name) {
  writer_.plain_string(name);
}

void EventDocumentEncoder::string(std::string_view text) {
  std::string_view clean = text;
  // Almost every value is clean: one scan that finds nothing, and the value is written as it is
  // (no copy). Only a value with a match is rewritten.
  if (redactor_ != nullptr && redactor_->contains_secret(text)) {
    scratch_.clear();
    redaction_total_ += redactor_->redact(text, scratch_, &redactions_);
    clean = scratch_;
  }
  if (!is_valid_utf8(clean)) {
    if (clean.data() != scratch_.data()) scratch_.assign(text);
    sanitize_utf8(scratch_);
    clean = scratch_;
  }
  writer_.any_string(clean);
}

void EventDocumentEncoder::string_member(std::string_view name, std::string_view text) {
  if (text.empty()) return;
  key(name);
  string(text);
}

void EventDocumentEncoder::own_member(std::string_view name, std::string_view text) {
  if (text.empty()) return;
  key(name);
  writer_.any_string(text);
}

void EventDocumentEncoder::int_member(std::string_view name,
                                      const std::optional<std::int64_t>& value) {
  if (!value) return;
  key(name);
  writer_.Int64(*value);
}

void EventDocumentEncoder::double_member(std::string_view name,
                                         const std::optional<double>& value) {
  if (!value || !std::isfinite(*value)) return;  // JSON has no NaN or infinity
  key(name);
  writer_.Double(*value);
}

void EventDocumentEncoder::bool_member(std::string_view name, const std::optional<bool>& value) {
  if (!value) return;
  key(name);
  writer_.Bool(*value);
}

void EventDocumentEncoder::duration_member(const std::optional<double>& seconds) {
  if (!seconds || !std::isfinite(*seconds)) return;
  key("duration");  // nanoseconds, as ECS and OpenTelemetry's own timestamps
  writer_.Int64(std::llround(*seconds * 1e9));
}

void EventDocumentEncoder::timestamp(std::int64_t unix_ns) {
  std::array<char, kRfc3339NanosLength> text;
  write_rfc3339_nanos(unix_ns, text);
  writer_.plain_string(std::string_view(text.data(), text.size()));  // digits and "-:.TZ"
}

void EventDocumentEncoder::append(const CanonicalEvent& event, const EventOrigin& origin,
                                  const std::optional<CallCost>& cost, std::string& out) {
  buffer_.Clear();
  writer_.Reset(buffer_);
  writer_.StartObject();
  key("schema_version");
  writer_.Int(kEventSchemaVersion);
  if (event.timestamp_ns != 0) {
    key("@timestamp");
    timestamp(event.timestamp_ns);
  }
  write_event_object(event, origin);
  if (!event.service.empty()) {
    key("service");
    writer_.StartObject();
    string_member("name", event.service);
    writer_.EndObject();
  }
  string_member("trace_id", event.trace_id);
  string_member("span_id", event.span_id);
  string_member("parent_span_id", event.parent_span_id);
  write_log_object(event, origin);
  write_error_object(event);
  if (const auto* call = std::get_if<LlmCall>(&event.body)) write_gen_ai_object(*call);
  if (const auto* request = std::get_if<ApiRequest>(&event.body)) write_http_object(*request);
  write_specwatch_object(event, origin, cost);
  writer_.EndObject();
  out.append(buffer_.GetString(), buffer_.GetSize());
}

void EventDocumentEncoder::write_event_object(const CanonicalEvent& event,
                                              const EventOrigin& origin) {
  key("event");
  writer_.StartObject();
  own_member("id", origin.id);
  own_member("kind", EventKindName(event.kind()));
  std::visit(
      [this](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, LlmCall> || std::is_same_v<T, WorkflowRun> ||
                      std::is_same_v<T, WorkflowStep>) {
          own_member("outcome", OutcomeName(body.outcome));
          duration_member(body.duration_seconds);
        } else if constexpr (std::is_same_v<T, Command>) {
          own_member("outcome", body.success ? "success" : "failure");
        } else if constexpr (std::is_same_v<T, ApiRequest>) {
          duration_member(body.duration_seconds);
        }
      },
      event.body);
  if (origin.original) {
    key("original");
    string(*origin.original);
  }
  writer_.EndObject();
}

void EventDocumentEncoder::write_log_object(const CanonicalEvent& event,
                                            const EventOrigin& origin) {
  const auto* log_record = std::get_if<LogRecord>(&event.body);
  if (origin.path.empty() && origin.offset == 0 && log_record == nullptr) return;
  key("log");
  writer_.StartObject();
  if (!origin.path.empty()) {
    key("file");
    writer_.StartObject();
    if (origin.path == clean_path_) {
      own_member("path", origin.path);  // checked when it was first written
    } else {
      const std::size_t redacted_before = redaction_total_;
      key("path");
      string(origin.path);
      // Remembered only when nothing was replaced: a redacted path is counted per event.
      if (redaction_total_ == redacted_before && is_valid_utf8(origin.path)) {
        clean_path_.assign(origin.path);
      }
    }
    writer_.EndObject();
  }
  if (origin.offset != 0) {
    key("offset");
    writer_.Uint64(origin.offset);
  }
  if (log_record != nullptr) own_member("level", SeverityName(log_record->level));
  writer_.EndObject();
}

void EventDocumentEncoder::write_error_object(const CanonicalEvent& event) {
  std::string_view type;
  std::string_view code;
  if (const auto* call = std::get_if<LlmCall>(&event.body)) type = call->error_type;
  if (const auto* log_record = std::get_if<LogRecord>(&event.body)) code = log_record->error_code;
  if (const auto* command = std::get_if<Command>(&event.body)) code = command->error_code;
  if (type.empty() && code.empty()) return;
  key("error");
  writer_.StartObject();
  string_member("type", type);
  string_member("code", code);
  writer_.EndObject();
}

void EventDocumentEncoder::write_gen_ai_object(const LlmCall& call) {
  key("gen_ai");
  writer_.StartObject();
  if (!call.provider.empty()) {
    key("provider");
    writer_.StartObject();
    string_member("name", call.provider);
    writer_.EndObject();
  }
  if (!call.operation.empty()) {
    key("operation");
    writer_.StartObject();
    string_member("name", call.operation);
    writer_.EndObject();
  }
  // The model that answered (the dated name) where the input says, else the counted model.
  const std::string& answered = call.response_model.empty() ? call.model : call.response_model;
  if (!answered.empty()) {
    key("response");
    writer_.StartObject();
    string_member("model", answered);
    writer_.EndObject();
  }
  if (call.input_tokens || call.output_tokens || call.cache_read_tokens ||
      call.cache_creation_tokens || call.reasoning_tokens) {
    key("usage");
    writer_.StartObject();
    int_member("input_tokens", call.input_tokens);
    int_member("output_tokens", call.output_tokens);
    auto nested = [this](const char* object, std::string_view name,
                         const std::optional<std::int64_t>& value) {
      if (!value) return;
      key(object);
      writer_.StartObject();
      int_member(name, value);
      writer_.EndObject();
    };
    nested("cache_read", "input_tokens", call.cache_read_tokens);
    nested("cache_creation", "input_tokens", call.cache_creation_tokens);
    nested("reasoning", "output_tokens", call.reasoning_tokens);
    writer_.EndObject();
  }
  writer_.EndObject();
}

void EventDocumentEncoder::write_http_object(const ApiRequest& request) {
  if (request.route.empty() && request.method.empty() && !request.status) return;
  key("http");
  writer_.StartObject();
  string_member("route", request.route);
  if (!request.method.empty()) {
    key("request");
    writer_.StartObject();
    string_member("method", request.method);
    writer_.EndObject();
  }
  if (request.status) {
    key("response");
    writer_.StartObject();
    key("status_code");
    writer_.Int(*request.status);
    writer_.EndObject();
  }
  writer_.EndObject();
}

void EventDocumentEncoder::write_cost(const std::optional<double>& usd, std::string_view source) {
  key("cost");
  writer_.StartObject();
  double_member("usd", usd);
  own_member("source", source);
  writer_.EndObject();
}

void EventDocumentEncoder::write_specwatch_object(const CanonicalEvent& event,
                                                  const EventOrigin& origin,
                                                  const std::optional<CallCost>& cost) {
  key("specwatch");
  writer_.StartObject();
  own_member("source", origin.source);
  const auto* step = std::get_if<WorkflowStep>(&event.body);
  if (!event.workflow_id.empty() || step != nullptr) {
    key("workflow");
    writer_.StartObject();
    string_member("id", event.workflow_id);
    if (step != nullptr) {
      key("step");
      writer_.StartObject();
      string_member("name", step->step_name);
      string_member("type", step->step_type);
      writer_.EndObject();
    }
    writer_.EndObject();
  }
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, LlmCall>) {
          if (cost) write_cost(cost->usd, cost_source_name(cost->source));
          key("llm");
          writer_.StartObject();
          key("count");
          writer_.Int64(body.count);
          // The `model` label of the call's metrics, where gen_ai.response.model names another.
          if (!body.response_model.empty() && body.response_model != body.model) {
            string_member("model", body.model);
          }
          if (body.input_tokens) bool_member("input_includes_cache", body.input_includes_cache);
          int_member("total_tokens", body.total_tokens);
          writer_.EndObject();
        } else if constexpr (std::is_same_v<T, WorkflowRun> || std::is_same_v<T, WorkflowStep>) {
          if (usable_cost(body.cost_usd)) write_cost(body.cost_usd, "reported");
        } else if constexpr (std::is_same_v<T, Fallback>) {
          key("fallback");
          writer_.StartObject();
          string_member("from_provider", body.from_provider);
          string_member("to_provider", body.to_provider);
          string_member("reason", body.reason);
          writer_.EndObject();
        } else if constexpr (std::is_same_v<T, CacheLookup>) {
          key("cache");
          writer_.StartObject();
          string_member("name", body.cache);
          bool_member("hit", body.hit);
          writer_.EndObject();
        } else if constexpr (std::is_same_v<T, PolicyCheck>) {
          key("policy");
          writer_.StartObject();
          string_member("name", body.policy);
          bool_member("allowed", body.allowed);
          string_member("reason", body.reason);
          writer_.EndObject();
        } else if constexpr (std::is_same_v<T, ComplianceResult>) {
          key("compliance");
          writer_.StartObject();
          string_member("standard", body.standard);
          double_member("score", body.score);
          bool_member("passing", body.passing);
          int_member("critical", body.critical);
          int_member("high", body.high);
          int_member("medium", body.medium);
          int_member("low", body.low);
          writer_.EndObject();
        } else if constexpr (std::is_same_v<T, Command>) {
          key("command");
          writer_.StartObject();
          string_member("name", body.command);
          bool_member("success", body.success);
          writer_.EndObject();
        }
      },
      event.body);
  writer_.EndObject();
}

}  // namespace specwatch
