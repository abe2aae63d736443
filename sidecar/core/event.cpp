#include "sidecar/core/event.h"

namespace specwatch {

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kLlmCall:
      return "llm_call";
    case EventKind::kFallback:
      return "fallback";
    case EventKind::kCacheLookup:
      return "cache_lookup";
    case EventKind::kPolicyCheck:
      return "policy_check";
    case EventKind::kComplianceResult:
      return "compliance_result";
    case EventKind::kWorkflowRun:
      return "workflow_run";
    case EventKind::kWorkflowStep:
      return "workflow_step";
    case EventKind::kHttpRequest:
      return "http_request";
    case EventKind::kLogRecord:
      return "log_record";
    case EventKind::kCommand:
      return "command";
  }
  return "unknown";
}

const char* OutcomeName(Outcome outcome) {
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
