#include "tests/unit/observability/derived_events.h"

#include <optional>
#include <string>
#include <utility>

namespace specwatch::testing {
namespace {

template <typename Body>
CanonicalEvent event_of(Body body, std::string service) {
  CanonicalEvent event;
  event.service = std::move(service);
  event.body = std::move(body);
  return event;
}

LlmCall llm_call(std::string provider, std::string model, int i) {
  LlmCall call;
  call.provider = std::move(provider);
  call.model = std::move(model);
  call.operation = i % 2 == 0 ? "chat" : "embeddings";
  call.input_tokens = 1000 + i;
  call.output_tokens = 7 * i;
  call.cache_read_tokens = i % 3 == 0 ? std::optional<std::int64_t>(100) : std::nullopt;
  call.duration_seconds = 0.013 * i + 0.001;
  if (i % 5 == 0) {
    call.outcome = Outcome::kError;
    call.error_type = "rate_limited";
  }
  if (i % 7 == 0) call.cost_usd = 0.0001 * i;
  return call;
}

}  // namespace

void record_a_bit_of_everything(DerivedMetrics& metrics) {
  const Tool profiles[] = {Tool::kNone, Tool::kSpecular, Tool::kSpecAgents, Tool::kSpek};
  for (const Tool profile : profiles) metrics.enable_tool_metrics(profile);
  const char* const models[] = {"gpt-4o",      "claude-sonnet-4-5", "model \"quoted\"",
                                "back\\slash", "line\nbreak",       "h\xC3\xA9llo"};
  for (int i = 0; i < 60; ++i) {
    const Tool profile = profiles[i % 4];
    const std::string service = i % 4 == 1 ? "specular" : "svc-" + std::to_string(i % 3);
    metrics.record(event_of(llm_call(i % 2 ? "openai" : "anthropic", models[i % 6], i), service),
                   profile);
    WorkflowRun run;
    run.duration_seconds = 1.5 * i;
    run.cost_usd = 0.01 * i;
    run.outcome = i % 4 == 0 ? Outcome::kFailure : Outcome::kSuccess;
    metrics.record(event_of(run, service), profile);
    WorkflowStep step;
    step.step_type = i % 2 ? "spec" : "build";
    step.duration_seconds = 0.25 * i;
    metrics.record(event_of(step, service), profile);
    ComplianceResult compliance;
    compliance.standard = i % 2 ? "nasa_pot10" : "grounding";
    compliance.score = 1.0 / (i + 1);
    compliance.critical = i % 3;
    compliance.passing = i % 2 == 0;
    metrics.record(event_of(compliance, service), profile);
    metrics.record(event_of(ApiRequest{"/v1/chat", "POST", 200 + i % 3 * 100, 0.002 * i}, service),
                   profile);
    metrics.record(event_of(CacheLookup{"query", i % 2 == 0}, service), profile);
    metrics.record(event_of(Fallback{"anthropic", "groq", "error"}, service), profile);
    metrics.record(event_of(LogRecord{Severity::kError, "E-" + std::to_string(i % 4)}, service),
                   profile);
    metrics.record(event_of(Command{"build", i % 2 == 0, ""}, service), profile);
  }
}

}  // namespace specwatch::testing
