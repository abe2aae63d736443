// Turns CanonicalEvents into Prometheus metrics: the specwatch_* metrics for every event, and the
// names each tool's own documentation promises (specular_*, queries_total, query_latency_ms,
// daily_llm_cost_usd, spek_nasa_compliance_score) for events of that tool's profiles, so the
// PromQL of those documents works unchanged. docs/METRICS.md lists every metric, its labels and
// the event fields it comes from.
//
// Only bounded names become labels (service, provider, model, operation, outcome, error type,
// cache, policy, standard, step type, route, command, error code). The event model offers no
// user id, query text, goal, workflow id or trace id as label material, and none is used here.
// Every labelled family is a LimitedFamily (cardinality limit with an overflow series), whose
// new series have their label values redacted (sidecar/redact: an API key written as a model
// name becomes "[REDACTED:openai_api_key]"), as have the names in the unpriced-model warning.
//
// /metrics writes the derived families straight from their series (exposition(), see
// derived_exposition.h) when they are kept in a registry of their own, the series registry;
// everything else (series overflow, redaction counters) goes to the main registry.
//
// Thread-safe: record() and the other members serialize on one mutex (derivation is a few hash
// lookups and atomic adds per event), which a render of the exposition takes too; scrapes read the
// registries concurrently.
#pragma once

#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "sidecar/core/event.h"
#include "sidecar/core/logger.h"
#include "sidecar/core/tool.h"
#include "sidecar/derive/derived_exposition.h"
#include "sidecar/derive/limited_family.h"
#include "sidecar/derive/pricing.h"
#include "sidecar/derive/unpriced_model_log.h"
#include "sidecar/redact/redaction_metrics.h"

namespace specwatch {

struct DeriveLimits {
  std::size_t max_series_per_metric = kDefaultMaxSeriesPerMetric;
  // Distinct unpriced (provider, model) pairs remembered for "log once"; past it, one more line
  // says that further unpriced models are counted but not logged.
  std::size_t max_logged_unpriced_models = 1000;
  // At most one unpriced-model line per interval (UnpricedModelLog).
  std::chrono::seconds unpriced_log_interval{60};
  // What is redacted from label values and logged names.
  RedactionConfig redaction;
};

struct FamilyFactory;

class DerivedMetrics {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  // Every family in `registry`.
  DerivedMetrics(
      prometheus::Registry& registry, PricingTable pricing, DeriveLimits limits, Logger& logger,
      WallClock clock = [] { return std::chrono::system_clock::now(); });
  // The derived families in `series_registry` (the rule evaluator collects it; /metrics serves
  // exposition() instead), the rest in `registry`. Both must outlive this.
  DerivedMetrics(
      prometheus::Registry& registry, prometheus::Registry& series_registry, PricingTable pricing,
      DeriveLimits limits, Logger& logger,
      WallClock clock = [] { return std::chrono::system_clock::now(); });
  ~DerivedMetrics();
  DerivedMetrics(const DerivedMetrics&) = delete;
  DerivedMetrics& operator=(const DerivedMetrics&) = delete;

  // Registers the metric families promised by the docs of `tool` (the `tool:` of a profile;
  // Specular, Spec Agents, SPEK; SpecWeaver's docs name none), so that they exist before the
  // first event. Called at startup for each configured source's profile; idempotent. kNone and
  // kByService: nothing (a by-service tool registers its families with its first event).
  void enable_tool_metrics(Tool tool);

  // Updates the metrics for one event of a profile whose `tool:` is `tool`.
  void record(const CanonicalEvent& event, Tool tool);
  // The same for several events of one profile (e.g. all those of a batch), in order: takes the
  // mutex once for all of them rather than once per event.
  void record(std::span<const CanonicalEvent> events, Tool tool);

  // Replaces the price table (a reloaded configuration may change pricing).
  void set_pricing(PricingTable pricing);

  // Resets daily_llm_cost_usd to 0 when the UTC day of the clock changed since the last cost
  // was added. record() does it before adding; the /metrics handler may call it before a scrape
  // so that a quiet day reads 0 rather than yesterday's total.
  void refresh_daily_cost();

  // The derived families (those of the series registry) as /metrics writes them, under the lock
  // record() holds: a scrape sees every batch whole. Why: a batch's increments and observations
  // are added when it ends, family by family, series by series; a render between them showed a
  // batch's calls counted while some of their durations were not yet (a render of 10,000 series
  // takes under a millisecond, the time the pipeline may wait for it).
  const TextExposable& exposition() const { return locked_exposition_; }

  // How many distinct unpriced (provider, model) pairs have been seen (each logged alone or in
  // a summary line).
  std::size_t unpriced_models_logged() const;

 private:
  struct Families;
  struct SpecularFamilies;
  struct SpecAgentsFamilies;
  struct SpekFamilies;

  void record_locked(const CanonicalEvent& event, Tool tool);
  // True if an event of this time may set the compliance gauges of (service, standard): it is
  // not older than the value they show. Remembers the time.
  bool is_latest(std::string_view service, std::string_view standard, std::int64_t timestamp_ns);
  void record_llm_call(std::string_view service, const LlmCall& call, Tool tool);
  void ensure_tool(Tool tool);
  void refresh_daily_cost_locked();
  FamilyFactory family_factory();

  prometheus::Registry& series_registry_;
  PricingTable pricing_;
  DeriveLimits limits_;
  Logger& logger_;
  WallClock clock_;
  mutable std::mutex mutex_;
  SiteRedactor label_redaction_;
  SiteRedactor log_redaction_;
  prometheus::Family<prometheus::Counter>* overflow_family_ = nullptr;
  // Before the families: their LimitedFamilies point into it.
  DerivedExposition exposition_;
  // exposition_ under mutex_ (exposition()).
  class LockedExposition final : public TextExposable {
   public:
    explicit LockedExposition(const DerivedMetrics& owner) : owner_(owner) {}
    void append_text(std::string& out, const NameTaken& taken) const override {
      std::lock_guard lock(owner_.mutex_);
      owner_.exposition_.append_text(out, taken);
    }

   private:
    const DerivedMetrics& owner_;
  };
  LockedExposition locked_exposition_{*this};
  std::unique_ptr<Families> families_;
  std::unique_ptr<SpecularFamilies> specular_;
  std::unique_ptr<SpecAgentsFamilies> spec_agents_;
  std::unique_ptr<SpekFamilies> spek_;
  UnpricedModelLog unpriced_log_;
  // Event time of the value each compliance gauge shows, by service and standard.
  std::unordered_map<std::string, std::int64_t> latest_compliance_ns_;
  std::int64_t daily_cost_day_ = 0;  // days since the epoch (UTC) of the daily cost gauge
  // Whether the batch being recorded defers the updates of cached call series to its end.
  bool defer_updates_ = false;
};

}  // namespace specwatch
