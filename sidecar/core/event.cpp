#include "sidecar/core/event.h"

namespace specwatch {

const char* EventKindName(EventKind kind) {
  switch (kind) {
#define SPECWATCH_EVENT_KIND_NAME(kind, S, name, FIELDS) \
  case EventKind::kind:                                  \
    return name;
    SPECWATCH_EVENT_KINDS(SPECWATCH_EVENT_KIND_NAME)
#undef SPECWATCH_EVENT_KIND_NAME
  }
  return "unknown";
}

const char* OutcomeName(Outcome outcome) {
  return outcome_name(outcome).data();  // the names are literals: NUL-terminated
}

const char* SeverityName(Severity level) {
  switch (level) {
    case Severity::kDebug:
      return "debug";
    case Severity::kInfo:
      return "info";
    case Severity::kWarn:
      return "warn";
    case Severity::kError:
      return "error";
    case Severity::kFatal:
      return "fatal";
  }
  return "unknown";
}

}  // namespace specwatch
