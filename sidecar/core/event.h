// The canonical event model, the one model every stage shares: every record of every tool, once
// normalized by a profile (sidecar/normalize/profile_set.h), becomes zero or more CanonicalEvents.
// Later stages (metric derivation, rules, budgets, exporters) only ever see these structs (in an
// EventBatch, event_batch.h), never the tools' own shapes.
//
// Rules of the model:
// - A value the input did not carry is absent (std::nullopt, or an empty string for names),
//   never a made-up default: an absent duration is not 0 seconds.
// - Strings are std::string: an event lives only while one batch is normalized and derived, the
//   names are short (small-string optimized, no allocation for most), and owning them keeps the
//   event independent of the record buffer it was read from (which a source may reuse or free).
// - Tokens: following the OpenTelemetry GenAI conventions, input_tokens SHOULD already include
//   cache_read_tokens and cache_creation_tokens. The event keeps the raw numbers as reported; a
//   cost stage must price (input_tokens - cache_read - cache_creation) at the input rate and the
//   cache tokens at their own rates, never subtracting below 0. Some inputs (e.g. Anthropic's
//   own API usage block) report input_tokens WITHOUT the cached ones:
//   LlmCall::input_includes_cache says which convention the numbers follow; when false the
//   uncached input is input_tokens itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace specwatch {

// The order is the order of the alternatives of CanonicalEvent::body (kind() relies on it).
enum class EventKind : std::uint8_t {
  kLlmCall = 0,
  kFallback,
  kCacheLookup,
  kPolicyCheck,
  kComplianceResult,
  kWorkflowRun,
  kWorkflowStep,
  kHttpRequest,
  kLogRecord,
  kCommand,
};
inline constexpr int kEventKindCount = 10;

// llm_call uses kSuccess / kError; workflow_run and workflow_step all three (kFailure: the work
// ran and reported failure, kError: it could not run / crashed).
enum class Outcome : std::uint8_t { kSuccess = 0, kFailure, kError };

// Normalized log severity (warning → kWarn, critical/panic → kFatal, trace → kDebug).
enum class Severity : std::uint8_t { kDebug = 0, kInfo, kWarn, kError, kFatal };

struct LlmCall {
  std::string provider;   // normalized provider name (lowercase, GenAI names: "gcp.gemini")
  std::string model;      // response model when reported, else request model
  std::string operation;  // "chat", "generate_content", ... empty when unknown
  Outcome outcome = Outcome::kSuccess;
  std::string error_type;  // empty on success; e.g. "rate_limited", "timeout", "429"
  std::optional<double> duration_seconds;
  std::optional<std::int64_t> input_tokens;  // see the note on tokens above
  bool input_includes_cache = true;          // false: input_tokens excludes the cache tokens
  std::optional<std::int64_t> output_tokens;
  std::optional<std::int64_t> cache_read_tokens;
  std::optional<std::int64_t> cache_creation_tokens;
  std::optional<std::int64_t> reasoning_tokens;
  // Only when the input reports a total without the input/output split (Specular's docs'
  // provider_call `tokens`, OpenLLMetry's llm.usage.total_tokens).
  std::optional<std::int64_t> total_tokens;
  std::optional<double> cost_usd;  // as reported by the input (never computed here)
  // How many calls this event stands for. 1 for a single call; an aggregate such as a Specular
  // attestation's provenance.models[] entry reports `requests` calls at once, with cost_usd the
  // total of all of them and no duration.
  std::int64_t count = 1;
};

struct Fallback {
  std::string from_provider;
  std::string to_provider;  // empty when the input does not say which provider is tried next
  std::string reason;       // short reason class, e.g. "error", "rate_limited"
};

struct CacheLookup {
  std::string cache;  // "query", "embedding", "image", ...
  bool hit = false;
};

struct PolicyCheck {
  std::string policy;  // "cost_limit", "timeout", ... or "unknown"
  bool allowed = true;
  std::string reason;  // as reported; free text, never a metric label
};

struct ComplianceResult {
  std::string standard;  // "nasa_pot10", "grounding", ...
  double score = 0.0;    // 0..1
  std::optional<bool> passing;
  std::optional<std::int64_t> critical;
  std::optional<std::int64_t> high;
  std::optional<std::int64_t> medium;
  std::optional<std::int64_t> low;
};

struct WorkflowRun {
  Outcome outcome = Outcome::kSuccess;
  std::optional<double> duration_seconds;
  std::optional<double> cost_usd;
};

struct WorkflowStep {
  std::string step_name;
  std::string step_type;  // bounded class of the step (usable as a label); may be empty
  Outcome outcome = Outcome::kSuccess;
  std::optional<double> duration_seconds;
  std::optional<double> cost_usd;
};

struct ApiRequest {
  std::string route;  // endpoint / route template, never a raw URL with ids
  std::string method;
  std::optional<int> status;
  std::optional<double> duration_seconds;
};

struct LogRecord {
  Severity level = Severity::kInfo;
  std::string error_code;  // e.g. "PROVIDER-001"; empty when none
};

struct Command {
  std::string command;
  bool success = true;
  std::string error_code;
};

struct CanonicalEvent {
  std::string service;
  std::int64_t timestamp_ns = 0;  // unix nanoseconds; 0 when the record carries no time
  std::string trace_id;
  std::string span_id;
  std::string workflow_id;
  std::variant<LlmCall, Fallback, CacheLookup, PolicyCheck, ComplianceResult, WorkflowRun,
               WorkflowStep, ApiRequest, LogRecord, Command>
      body;

  EventKind kind() const { return static_cast<EventKind>(body.index()); }
};

// Names as used in profiles and documents: "llm_call", "fallback", ...
const char* EventKindName(EventKind kind);
const char* OutcomeName(Outcome outcome);
const char* SeverityName(Severity level);

}  // namespace specwatch
