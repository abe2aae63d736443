// The metric set of Specular's events: the names its documentation promises (docs/METRICS.md),
// fed only by events of profiles with its `tool:` (DerivedMetrics::record).
#pragma once

#include <optional>
#include <string_view>

#include "sidecar/core/event.h"
#include "sidecar/derive/derived_metrics.h"
#include "sidecar/derive/llm_call_series.h"
#include "sidecar/derive/metric_family_factory.h"

namespace specwatch {

// Names from Specular's docs and internal/metrics (see docs/METRICS.md).
struct DerivedMetrics::SpecularFamilies {
  explicit SpecularFamilies(FamilyFactory f);

  // Series that read 0 before the first event.
  void create_initial_series();
  // `series`: the call's slots (llm_call_series.h), so that a known label set costs no lookup in
  // these families either; `cache`: the cache holding them (their updates are then deferred to
  // the end of the batch), null when they are not cached.
  void record_llm_call(LlmCallSeriesCache* cache, LlmCallSeries& series, std::string_view provider,
                       std::string_view model, bool success, std::string_view error_type,
                       const std::optional<double>& duration_seconds,
                       const std::optional<double>& cost, double count);
  void record_cache_lookup(const CacheLookup& lookup);
  void record_policy_check(std::string_view policy, std::string_view result);
  void record_workflow_run(const WorkflowRun& run);
  void record_workflow_step(std::string_view step_type, Outcome outcome);
  void record_command(const Command& command);

  LimitedHistogram provider_latency;
  LimitedCounter provider_calls;
  LimitedCounter provider_errors;
  LimitedCounter provider_cost;
  LimitedCounter command_executions;
  LimitedCounter command_errors;
  LimitedCounter policy_checks;
  LimitedCounter auto_workflows;
  LimitedCounter auto_steps;
  LimitedCounter docker_cache_hits;
  LimitedCounter docker_cache_misses;
};

}  // namespace specwatch
