// Every field of the canonical event model, declared once. The structs of event.h, the profile
// compiler's Target enum and name table (sidecar/normalize/event_targets.h) and the assignment
// switch of the normalizer (sidecar/normalize/field_assignment.h) all expand these lists, so that
// adding a field is one line here (plus its documentation in docs/PROFILES.md).
//
// Each list is LIST(X, S) and calls X(S, type, member, default, "profile name", target, domain):
// - S: the struct the field belongs to (passed through, so one X serves every kind);
// - type, member, default: the C++ member `type member{default};`;
// - "profile name": the key a profile's `set:` assigns it by;
// - target: its enumerator in the normalizer's Target enum;
// - domain: which values a profile may assign (the normalizer's assign_<domain>()):
//   text, time (unix ns), count (integer >= 0), optional_count, optional_amount (number >= 0),
//   ratio (0..1), flag, optional_flag, outcome (failure stays failure), call_outcome (failure is
//   an error), severity, http_status (100..999).
// Comments inside the lists are /* */: a // comment would end the macro.
#pragma once

// The fields every event carries (members of CanonicalEvent itself).
#define SPECWATCH_COMMON_FIELDS(X, S)                                               \
  X(S, std::string, service, , "service", kService, text)                           \
  /* unix nanoseconds; 0 when the record carries no time */                         \
  X(S, std::int64_t, timestamp_ns, 0, "timestamp", kTimestamp, time)                \
  X(S, std::string, trace_id, , "trace_id", kTraceId, text)                         \
  X(S, std::string, span_id, , "span_id", kSpanId, text)                            \
  /* the parent span id (hex) of a span record; empty for a root span or no span */ \
  X(S, std::string, parent_span_id, , "parent_span_id", kParentSpanId, text)        \
  X(S, std::string, workflow_id, , "workflow_id", kWorkflowId, text)

#define SPECWATCH_LLM_CALL_FIELDS(X, S)                                                            \
  /* normalized provider name (lowercase, GenAI names: "gcp.gemini") */                            \
  X(S, std::string, provider, , "provider", kLlmProvider, text)                                    \
  /* the model the call is counted under, the same for its success and its failure (the GenAI      \
     profiles: the request model's family, docs/PROFILES.md) */                                    \
  X(S, std::string, model, , "model", kLlmModel, text)                                             \
  /* the model the response names (the dated "gpt-4o-mini-2024-07-18"); empty when none */         \
  X(S, std::string, response_model, , "response_model", kLlmResponseModel, text)                   \
  /* "chat", "generate_content", ... empty when unknown */                                         \
  X(S, std::string, operation, , "operation", kLlmOperation, text)                                 \
  X(S, Outcome, outcome, Outcome::kSuccess, "outcome", kLlmOutcome, call_outcome)                  \
  /* empty on success; e.g. "rate_limited", "timeout", "429" */                                    \
  X(S, std::string, error_type, , "error_type", kLlmErrorType, text)                               \
  X(S, std::optional<double>, duration_seconds, , "duration_seconds", kLlmDuration,                \
    optional_amount)                                                                               \
  /* see the note on tokens in event.h */                                                          \
  X(S, std::optional<std::int64_t>, input_tokens, , "input_tokens", kLlmInputTokens,               \
    optional_count)                                                                                \
  /* false: input_tokens excludes the cache tokens */                                              \
  X(S, bool, input_includes_cache, true, "input_includes_cache", kLlmInputIncludesCache, flag)     \
  X(S, std::optional<std::int64_t>, output_tokens, , "output_tokens", kLlmOutputTokens,            \
    optional_count)                                                                                \
  X(S, std::optional<std::int64_t>, cache_read_tokens, , "cache_read_tokens", kLlmCacheReadTokens, \
    optional_count)                                                                                \
  X(S, std::optional<std::int64_t>, cache_creation_tokens, , "cache_creation_tokens",              \
    kLlmCacheCreationTokens, optional_count)                                                       \
  X(S, std::optional<std::int64_t>, reasoning_tokens, , "reasoning_tokens", kLlmReasoningTokens,   \
    optional_count)                                                                                \
  /* Only when the input reports a total without the input/output split (Specular's docs'          \
     provider_call `tokens`, OpenLLMetry's llm.usage.total_tokens). */                             \
  X(S, std::optional<std::int64_t>, total_tokens, , "total_tokens", kLlmTotalTokens,               \
    optional_count)                                                                                \
  /* as reported by the input (never computed here) */                                             \
  X(S, std::optional<double>, cost_usd, , "cost_usd", kLlmCost, optional_amount)                   \
  /* How many calls this event stands for. 1 for a single call; an aggregate such as a             \
     Specular attestation's provenance.models[] entry reports `requests` calls at once, with       \
     cost_usd the total of all of them and no duration. */                                         \
  X(S, std::int64_t, count, 1, "count", kLlmCount, count)

#define SPECWATCH_FALLBACK_FIELDS(X, S)                                    \
  X(S, std::string, from_provider, , "from_provider", kFallbackFrom, text) \
  /* empty when the input does not say which provider is tried next */     \
  X(S, std::string, to_provider, , "to_provider", kFallbackTo, text)       \
  /* short reason class, e.g. "error", "rate_limited" */                   \
  X(S, std::string, reason, , "reason", kFallbackReason, text)

#define SPECWATCH_CACHE_LOOKUP_FIELDS(X, S)             \
  /* "query", "embedding", "image", ... */              \
  X(S, std::string, cache, , "cache", kCacheName, text) \
  X(S, bool, hit, false, "hit", kCacheHit, flag)

#define SPECWATCH_POLICY_CHECK_FIELDS(X, S)                  \
  /* "cost_limit", "timeout", ... or "unknown" */            \
  X(S, std::string, policy, , "policy", kPolicyName, text)   \
  X(S, bool, allowed, true, "allowed", kPolicyAllowed, flag) \
  /* as reported; free text, never a metric label */         \
  X(S, std::string, reason, , "reason", kPolicyReason, text)

#define SPECWATCH_COMPLIANCE_RESULT_FIELDS(X, S)                                                 \
  /* "nasa_pot10", "grounding", ... */                                                           \
  X(S, std::string, standard, , "standard", kComplianceStandard, text)                           \
  /* 0..1 */                                                                                     \
  X(S, double, score, 0.0, "score", kComplianceScore, ratio)                                     \
  X(S, std::optional<bool>, passing, , "passing", kCompliancePassing, optional_flag)             \
  X(S, std::optional<std::int64_t>, critical, , "critical", kComplianceCritical, optional_count) \
  X(S, std::optional<std::int64_t>, high, , "high", kComplianceHigh, optional_count)             \
  X(S, std::optional<std::int64_t>, medium, , "medium", kComplianceMedium, optional_count)       \
  X(S, std::optional<std::int64_t>, low, , "low", kComplianceLow, optional_count)

#define SPECWATCH_WORKFLOW_RUN_FIELDS(X, S)                                         \
  X(S, Outcome, outcome, Outcome::kSuccess, "outcome", kRunOutcome, outcome)        \
  X(S, std::optional<double>, duration_seconds, , "duration_seconds", kRunDuration, \
    optional_amount)                                                                \
  X(S, std::optional<double>, cost_usd, , "cost_usd", kRunCost, optional_amount)

#define SPECWATCH_WORKFLOW_STEP_FIELDS(X, S)                                         \
  X(S, std::string, step_name, , "step_name", kStepName, text)                       \
  /* bounded class of the step (usable as a label); may be empty */                  \
  X(S, std::string, step_type, , "step_type", kStepType, text)                       \
  X(S, Outcome, outcome, Outcome::kSuccess, "outcome", kStepOutcome, outcome)        \
  X(S, std::optional<double>, duration_seconds, , "duration_seconds", kStepDuration, \
    optional_amount)                                                                 \
  X(S, std::optional<double>, cost_usd, , "cost_usd", kStepCost, optional_amount)

#define SPECWATCH_HTTP_REQUEST_FIELDS(X, S)                                          \
  /* endpoint / route template, never a raw URL with ids */                          \
  X(S, std::string, route, , "route", kHttpRoute, text)                              \
  X(S, std::string, method, , "method", kHttpMethod, text)                           \
  X(S, std::optional<int>, status, , "status", kHttpStatus, http_status)             \
  X(S, std::optional<double>, duration_seconds, , "duration_seconds", kHttpDuration, \
    optional_amount)

#define SPECWATCH_LOG_RECORD_FIELDS(X, S)                              \
  X(S, Severity, level, Severity::kInfo, "level", kLogLevel, severity) \
  /* e.g. "PROVIDER-001"; empty when none */                           \
  X(S, std::string, error_code, , "error_code", kLogErrorCode, text)

#define SPECWATCH_COMMAND_FIELDS(X, S)                        \
  X(S, std::string, command, , "command", kCommandName, text) \
  X(S, bool, success, true, "success", kCommandSuccess, flag) \
  X(S, std::string, error_code, , "error_code", kCommandErrorCode, text)

// The event kinds, in the order of EventKind and of CanonicalEvent::body's alternatives:
// K(enumerator, struct, "profile name", FIELDS).
#define SPECWATCH_EVENT_KINDS(K)                                                                  \
  K(kLlmCall, LlmCall, "llm_call", SPECWATCH_LLM_CALL_FIELDS)                                     \
  K(kFallback, Fallback, "fallback", SPECWATCH_FALLBACK_FIELDS)                                   \
  K(kCacheLookup, CacheLookup, "cache_lookup", SPECWATCH_CACHE_LOOKUP_FIELDS)                     \
  K(kPolicyCheck, PolicyCheck, "policy_check", SPECWATCH_POLICY_CHECK_FIELDS)                     \
  K(kComplianceResult, ComplianceResult, "compliance_result", SPECWATCH_COMPLIANCE_RESULT_FIELDS) \
  K(kWorkflowRun, WorkflowRun, "workflow_run", SPECWATCH_WORKFLOW_RUN_FIELDS)                     \
  K(kWorkflowStep, WorkflowStep, "workflow_step", SPECWATCH_WORKFLOW_STEP_FIELDS)                 \
  K(kHttpRequest, ApiRequest, "http_request", SPECWATCH_HTTP_REQUEST_FIELDS)                      \
  K(kLogRecord, LogRecord, "log_record", SPECWATCH_LOG_RECORD_FIELDS)                             \
  K(kCommand, Command, "command", SPECWATCH_COMMAND_FIELDS)
