#include "sidecar/derive/specular_metrics.h"

#include <array>

namespace specwatch {

using namespace metric_labels;

namespace {

// Specular's internal/metrics buckets.
prometheus::Histogram::BucketBoundaries specular_latency_buckets() {
  return {0.1, 0.5, 1, 2, 5, 10, 30, 60};
}

}  // namespace

DerivedMetrics::SpecularFamilies::SpecularFamilies(FamilyFactory f)
    : provider_latency(f.histogram("specular_provider_latency_seconds",
                                   "Specular provider call latency, in seconds.",
                                   {"provider", "model"}, specular_latency_buckets())),
      provider_calls(f.counter("specular_provider_calls_total", "Specular provider calls.",
                               {"provider", "model", "success"})),
      provider_errors(f.counter("specular_provider_errors_total", "Specular provider call errors.",
                                {"provider", "model", "error_type"})),
      provider_cost(f.counter("specular_provider_cost_total",
                              "Cost of Specular provider calls, in USD.", {"provider", "model"})),
      command_executions(f.counter("specular_command_executions_total",
                                   "Specular command executions.", {"command", "success"})),
      command_errors(f.counter("specular_command_errors_total", "Specular command errors.",
                               {"command", "error_code"})),
      policy_checks(f.counter("specular_policy_checks_total", "Specular policy checks.",
                              {"policy_type", "result"})),
      auto_workflows(
          f.counter("specular_auto_workflows_total", "Specular auto-mode workflows.", {"success"})),
      auto_steps(f.counter("specular_auto_steps_total", "Specular auto-mode steps.",
                           {"step_type", "success"})),
      docker_cache_hits(
          f.counter("specular_docker_cache_hits_total", "Specular Docker image cache hits.", {})),
      docker_cache_misses(f.counter("specular_docker_cache_misses_total",
                                    "Specular Docker image cache misses.", {})) {}

void DerivedMetrics::SpecularFamilies::create_initial_series() {
  // Label-less counters and the two-valued workflow counter read 0 before the first event
  // (a true zero: nothing observed yet), so rate() works from the first scrape. Labelled
  // families get their series with the first event: no label value is made up.
  docker_cache_hits.get({});
  docker_cache_misses.get({});
  auto_workflows.get({"true"});
  auto_workflows.get({"false"});
}

// `duration_seconds` only when usable (>= 0), `cost` only when known.
void DerivedMetrics::SpecularFamilies::record_llm_call(
    LlmCallSeriesCache* cache, LlmCallSeries& series, std::string_view provider,
    std::string_view model, bool success, std::string_view error_type,
    const std::optional<double>& duration_seconds, const std::optional<double>& cost,
    double count) {
  LlmCallSeries::Pending& pending = series.pending;
  // The label values, built only for a series resolved at once (count_call).
  const auto provider_model = [&] { return std::array{provider, model}; };
  const auto calls_labels = [&] { return std::array{provider, model, bool_label(success)}; };
  const auto errors_labels = [&] { return std::array{provider, model, error_type}; };
  count_call(cache, series, series.specular_calls, pending.specular_calls, provider_calls,
             calls_labels, count);
  if (!success) {
    count_call(cache, series, series.specular_errors, pending.specular_errors, provider_errors,
               errors_labels, count);
  }
  if (duration_seconds) {
    observe_call(cache, series, series.specular_latency, pending.specular_latency, provider_latency,
                 provider_model, *duration_seconds);
  }
  if (cost) {
    count_call(cache, series, series.specular_cost, pending.specular_cost, provider_cost,
               provider_model, *cost);
  }
}

void DerivedMetrics::SpecularFamilies::record_cache_lookup(const CacheLookup& lookup) {
  if (lookup.cache == "docker_image") {
    (lookup.hit ? docker_cache_hits : docker_cache_misses).get({}).Increment();
  }
}

void DerivedMetrics::SpecularFamilies::record_policy_check(std::string_view policy,
                                                           std::string_view result) {
  policy_checks.get({policy, result}).Increment();
}

void DerivedMetrics::SpecularFamilies::record_workflow_run(const WorkflowRun& run) {
  auto_workflows.get({bool_label(run.outcome == Outcome::kSuccess)}).Increment();
}

void DerivedMetrics::SpecularFamilies::record_workflow_step(std::string_view step_type,
                                                            Outcome outcome) {
  auto_steps.get({step_type, bool_label(outcome == Outcome::kSuccess)}).Increment();
}

void DerivedMetrics::SpecularFamilies::record_command(const Command& command) {
  const std::string_view name = or_unknown(command.command);
  command_executions.get({name, bool_label(command.success)}).Increment();
  if (!command.success) command_errors.get({name, or_unknown(command.error_code)}).Increment();
}

}  // namespace specwatch
