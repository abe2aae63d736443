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
#include <string_view>
#include <variant>

#include "sidecar/core/event_fields.h"

namespace specwatch {

// The order is the order of the alternatives of CanonicalEvent::body (kind() relies on it):
// both come from SPECWATCH_EVENT_KINDS (event_fields.h).
#define SPECWATCH_EVENT_KIND_ENUMERATOR(kind, S, name, FIELDS) kind,
enum class EventKind : std::uint8_t { SPECWATCH_EVENT_KINDS(SPECWATCH_EVENT_KIND_ENUMERATOR) };
#undef SPECWATCH_EVENT_KIND_ENUMERATOR
#define SPECWATCH_EVENT_KIND_ONE(kind, S, name, FIELDS) +1
inline constexpr int kEventKindCount = 0 SPECWATCH_EVENT_KINDS(SPECWATCH_EVENT_KIND_ONE);
#undef SPECWATCH_EVENT_KIND_ONE

// llm_call uses kSuccess / kError; workflow_run and workflow_step all three (kFailure: the work
// ran and reported failure, kError: it could not run / crashed).
enum class Outcome : std::uint8_t { kSuccess = 0, kFailure, kError };

// Normalized log severity (warning → kWarn, critical/panic → kFatal, trace → kDebug).
enum class Severity : std::uint8_t { kDebug = 0, kInfo, kWarn, kError, kFatal };

// The body structs, one per event kind, with their fields from event_fields.h.
#define SPECWATCH_EVENT_FIELD(S, type, member, default_value, name, target, domain) \
  type member{default_value};
#define SPECWATCH_EVENT_STRUCT(kind, S, name, FIELDS) \
  struct S {                                          \
    FIELDS(SPECWATCH_EVENT_FIELD, S)                  \
  };
SPECWATCH_EVENT_KINDS(SPECWATCH_EVENT_STRUCT)
#undef SPECWATCH_EVENT_STRUCT

// std::variant<Rest...>: lets a list expansion put a comma before every alternative.
template <typename Ignored, typename... Rest>
using VariantOfRest = std::variant<Rest...>;

#define SPECWATCH_EVENT_ALTERNATIVE(kind, S, name, FIELDS) , S
struct CanonicalEvent {
  SPECWATCH_COMMON_FIELDS(SPECWATCH_EVENT_FIELD, CanonicalEvent)
  // std::variant<LlmCall, Fallback, ...>, in the order of EventKind.
  VariantOfRest<void SPECWATCH_EVENT_KINDS(SPECWATCH_EVENT_ALTERNATIVE)> body;

  EventKind kind() const { return static_cast<EventKind>(body.index()); }
};
#undef SPECWATCH_EVENT_ALTERNATIVE
#undef SPECWATCH_EVENT_FIELD

// Names as used in profiles and documents: "llm_call", "fallback", ...
const char* EventKindName(EventKind kind);
const char* OutcomeName(Outcome outcome);
// OutcomeName() inline, for the derivation's labels (a call and a strlen per event otherwise).
constexpr std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kSuccess:
      return "success";
    case Outcome::kFailure:
      return "failure";
    case Outcome::kError:
      return "error";
  }
  return "unknown";
}
const char* SeverityName(Severity level);

}  // namespace specwatch
