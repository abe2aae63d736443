// DerivedMetrics: the specwatch_* metric set of every event, and the dispatch of a tool's events
// to that tool's own metric set (specular_metrics.h, spec_agents_metrics.h, spek_metrics.h).
#include "sidecar/derive/derived_metrics.h"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <variant>

#include "sidecar/derive/call_cost.h"
#include "sidecar/derive/llm_call_series.h"
#include "sidecar/derive/metric_family_factory.h"
#include "sidecar/derive/spec_agents_metrics.h"
#include "sidecar/derive/specular_metrics.h"
#include "sidecar/derive/spek_metrics.h"

namespace specwatch {

using namespace metric_labels;

struct DerivedMetrics::Families {
  explicit Families(FamilyFactory f)
      : llm_duration(f.histogram(
            "specwatch_llm_request_duration_seconds", "Duration of LLM calls, in seconds.",
            {"service", "provider", "model", "operation", "outcome"}, llm_duration_buckets())),
        llm_requests(
            f.counter("specwatch_llm_requests_total", "LLM calls.",
                      {"service", "provider", "model", "operation", "outcome", "error_type"})),
        llm_tokens(f.counter("specwatch_llm_tokens_total",
                             "LLM tokens by type (input includes the cache tokens; reasoning is "
                             "part of output).",
                             {"service", "provider", "model", "token_type"})),
        llm_cost(f.counter("specwatch_llm_cost_usd_total",
                           "Cost of LLM calls in USD, reported by the input or computed from "
                           "tokens and the pricing table.",
                           {"service", "provider", "model", "cost_source"})),
        llm_unpriced(f.counter("specwatch_llm_unpriced_requests_total",
                               "LLM calls whose cost is unknown: no reported cost and no price for "
                               "the model.",
                               {"service", "provider", "model"})),
        llm_without_usage(f.counter("specwatch_llm_requests_without_usage_total",
                                    "Successful LLM calls of a priced model that carry neither "
                                    "token counts nor a reported cost (no cost counted); failed "
                                    "calls are not counted here.",
                                    {"service", "provider", "model"})),
        fallbacks(f.counter("specwatch_llm_fallbacks_total", "LLM provider fallbacks.",
                            {"service", "from_provider", "to_provider"})),
        cache_requests(f.counter("specwatch_cache_requests_total", "Cache lookups by result.",
                                 {"service", "cache", "result"})),
        policy_checks(f.counter("specwatch_policy_checks_total", "Policy checks by result.",
                                {"service", "policy", "result"})),
        compliance_score(f.gauge("specwatch_compliance_score_ratio",
                                 "Latest compliance score (0 to 1).", {"service", "standard"})),
        compliance_violations(f.gauge("specwatch_compliance_violations",
                                      "Latest number of compliance violations by severity.",
                                      {"service", "standard", "severity"})),
        workflow_runs(f.counter("specwatch_workflow_runs_total", "Finished workflow runs.",
                                {"service", "outcome"})),
        workflow_steps(f.counter("specwatch_workflow_steps_total", "Finished workflow steps.",
                                 {"service", "step_type", "outcome"})),
        workflow_duration(f.histogram("specwatch_workflow_duration_seconds",
                                      "Duration of workflow runs, in seconds.", {"service"},
                                      workflow_duration_buckets())),
        workflow_cost(f.histogram("specwatch_workflow_cost_usd", "Cost of workflow runs, in USD.",
                                  {"service"}, workflow_cost_buckets())),
        log_records(f.counter("specwatch_log_records_total", "Log records by normalized level.",
                              {"service", "level"})),
        llm_calls(f.limit) {}

  LimitedHistogram llm_duration;
  LimitedCounter llm_requests;
  LimitedCounter llm_tokens;
  LimitedCounter llm_cost;
  LimitedCounter llm_unpriced;
  LimitedCounter llm_without_usage;
  LimitedCounter fallbacks;
  LimitedCounter cache_requests;
  LimitedCounter policy_checks;
  LimitedGauge compliance_score;
  LimitedGauge compliance_violations;
  LimitedCounter workflow_runs;
  LimitedCounter workflow_steps;
  LimitedHistogram workflow_duration;
  LimitedHistogram workflow_cost;
  LimitedCounter log_records;
  // The series of the llm_* families by label set (at most as many label sets as one family may
  // have series).
  LlmCallSeriesCache llm_calls;
};

DerivedMetrics::DerivedMetrics(prometheus::Registry& registry, PricingTable pricing,
                               DeriveLimits limits, Logger& logger, WallClock clock)
    : DerivedMetrics(registry, registry, std::move(pricing), limits, logger, std::move(clock)) {}

DerivedMetrics::DerivedMetrics(prometheus::Registry& registry,
                               prometheus::Registry& series_registry, PricingTable pricing,
                               DeriveLimits limits, Logger& logger, WallClock clock)
    : series_registry_(series_registry),
      pricing_(std::move(pricing)),
      limits_(limits),
      logger_(logger),
      clock_(std::move(clock)),
      label_redaction_(registry, limits.redaction, RedactionSite::kLabel),
      log_redaction_(registry, limits.redaction, RedactionSite::kLog),
      unpriced_log_(logger, log_redaction_, limits.max_logged_unpriced_models,
                    limits.unpriced_log_interval) {
  overflow_family_ = &counter_family(registry, "specwatch_series_overflow_total",
                                     "Observations folded into a metric's overflow series "
                                     "because the metric reached its series limit.");
  families_ = std::make_unique<Families>(family_factory());
  daily_cost_day_ = days_since_epoch(clock_());
}

DerivedMetrics::~DerivedMetrics() = default;

FamilyFactory DerivedMetrics::family_factory() {
  return FamilyFactory{series_registry_, *overflow_family_, limits_.max_series_per_metric,
                       label_redaction_, exposition_};
}

void DerivedMetrics::enable_tool_metrics(Tool tool) {
  if (tool == Tool::kByService) return;
  std::lock_guard lock(mutex_);
  ensure_tool(tool);
}

void DerivedMetrics::ensure_tool(Tool tool) {
  FamilyFactory factory = family_factory();
  switch (tool) {
    case Tool::kSpecular:
      if (!specular_) {
        specular_ = std::make_unique<SpecularFamilies>(factory);
        specular_->create_initial_series();
      }
      break;
    case Tool::kSpecAgents:
      if (!spec_agents_) {
        spec_agents_ = std::make_unique<SpecAgentsFamilies>(factory);
        spec_agents_->create_initial_series();
      }
      break;
    case Tool::kSpek:
      if (!spek_) spek_ = std::make_unique<SpekFamilies>(factory);
      break;
    case Tool::kSpecWeaver:
    case Tool::kNone:
    case Tool::kByService:
      break;
  }
}

void DerivedMetrics::refresh_daily_cost() {
  std::lock_guard lock(mutex_);
  refresh_daily_cost_locked();
}

void DerivedMetrics::refresh_daily_cost_locked() {
  const std::int64_t today = days_since_epoch(clock_());
  if (today == daily_cost_day_) return;
  daily_cost_day_ = today;
  if (spec_agents_) spec_agents_->reset_daily_cost();
}

std::size_t DerivedMetrics::unpriced_models_logged() const {
  std::lock_guard lock(mutex_);
  return unpriced_log_.remembered();
}

void DerivedMetrics::set_pricing(PricingTable pricing) {
  std::lock_guard lock(mutex_);
  pricing_ = std::move(pricing);
  families_->llm_calls.clear();  // its entries remember prices of the old table
}

void DerivedMetrics::record(const CanonicalEvent& event, Tool tool) {
  record(std::span<const CanonicalEvent>(&event, 1), tool);
}

void DerivedMetrics::record(std::span<const CanonicalEvent> events, Tool profile_tool) {
  if (events.empty()) return;
  // OTLP records carry their tool in the resource's service.name, not in the profile: Specular's
  // own spans feed specular_command_* as its trace files do.
  const bool tool_by_service = profile_tool == Tool::kByService;
  std::lock_guard lock(mutex_);
  // A batch of one gains nothing from deferring (LlmCallSeries::Pending) and would pay for the
  // list.
  defer_updates_ = events.size() > 1;
  for (std::size_t i = 0; i < events.size();) {
    const CanonicalEvent& event = events[i];
    const Tool tool = tool_by_service ? tool_of_service(event.service) : profile_tool;
    if (tool != Tool::kNone && tool != Tool::kSpecWeaver) ensure_tool(tool);
    if (const auto* log = std::get_if<LogRecord>(&event.body)) {
      // A run of log records of one service and level (most of a log file's batch) counts into
      // one series: one lookup and one increment for the run, the same totals as one per event.
      std::size_t n = 1;
      while (i + n < events.size()) {
        const auto* next = std::get_if<LogRecord>(&events[i + n].body);
        if (next == nullptr || next->level != log->level ||
            events[i + n].service != event.service) {
          break;
        }
        ++n;
      }
      families_->log_records.get({or_unknown(event.service), severity_label(log->level)}, n)
          .Increment(static_cast<double>(n));
      i += n;
      continue;
    }
    record_locked(event, tool);
    ++i;
  }
  families_->llm_calls.apply_pending();
  if (unpriced_log_.pending()) unpriced_log_.flush_due(clock_());
}

bool DerivedMetrics::is_latest(std::string_view service, std::string_view standard,
                               std::int64_t timestamp_ns) {
  if (timestamp_ns == 0) return true;  // no time: the value read last wins
  auto key = std::string(service) + '\x1f' + std::string(standard);
  auto it = latest_compliance_ns_.find(key);
  if (it == latest_compliance_ns_.end()) {
    // Bounded like the series it guards: beyond the series limit the gauge is an overflow
    // series anyway.
    if (latest_compliance_ns_.size() < limits_.max_series_per_metric) {
      latest_compliance_ns_.emplace(std::move(key), timestamp_ns);
    }
    return true;
  }
  if (timestamp_ns < it->second) return false;
  it->second = timestamp_ns;
  return true;
}

void DerivedMetrics::record_locked(const CanonicalEvent& event, Tool tool) {
  const std::string_view service = or_unknown(event.service);
  Families& m = *families_;

  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, LlmCall>) {
          record_llm_call(service, body, tool);
        } else if constexpr (std::is_same_v<T, Fallback>) {
          m.fallbacks.get({service, or_unknown(body.from_provider), or_unknown(body.to_provider)})
              .Increment();
        } else if constexpr (std::is_same_v<T, CacheLookup>) {
          const std::string_view result = body.hit ? "hit" : "miss";
          m.cache_requests.get({service, or_unknown(body.cache), result}).Increment();
          if (tool == Tool::kSpecular) specular_->record_cache_lookup(body);
        } else if constexpr (std::is_same_v<T, PolicyCheck>) {
          const std::string_view result = body.allowed ? "allowed" : "denied";
          m.policy_checks.get({service, or_unknown(body.policy), result}).Increment();
          if (tool == Tool::kSpecular)
            specular_->record_policy_check(or_unknown(body.policy), result);
        } else if constexpr (std::is_same_v<T, ComplianceResult>) {
          const std::string_view standard = or_unknown(body.standard);
          // "Latest" means latest by the result's own time: documents are discovered in no
          // particular order, and an older analysis read later must not replace a newer one.
          if (!is_latest(service, standard, event.timestamp_ns)) return;
          m.compliance_score.get({service, standard}).Set(body.score);
          const std::pair<std::string_view, const std::optional<std::int64_t>*> severities[] = {
              {"critical", &body.critical},
              {"high", &body.high},
              {"medium", &body.medium},
              {"low", &body.low}};
          for (const auto& [severity, count] : severities) {
            if (*count) {
              m.compliance_violations.get({service, standard, severity})
                  .Set(static_cast<double>(**count));
            }
          }
          if (tool == Tool::kSpek) spek_->record_compliance(body);
        } else if constexpr (std::is_same_v<T, WorkflowRun>) {
          m.workflow_runs.get({service, outcome_label(body.outcome)}).Increment();
          if (body.duration_seconds && *body.duration_seconds >= 0.0) {
            m.workflow_duration.get({service}).Observe(*body.duration_seconds);
          }
          if (usable_cost(body.cost_usd)) m.workflow_cost.get({service}).Observe(*body.cost_usd);
          if (tool == Tool::kSpecular) specular_->record_workflow_run(body);
        } else if constexpr (std::is_same_v<T, WorkflowStep>) {
          const std::string_view step_type = or_unknown(body.step_type);
          m.workflow_steps.get({service, step_type, outcome_label(body.outcome)}).Increment();
          if (tool == Tool::kSpecular) specular_->record_workflow_step(step_type, body.outcome);
        } else if constexpr (std::is_same_v<T, ApiRequest>) {
          if (tool == Tool::kSpecAgents) spec_agents_->record_api_request(body);
        } else if constexpr (std::is_same_v<T, LogRecord>) {
          m.log_records.get({service, severity_label(body.level)}).Increment();
        } else if constexpr (std::is_same_v<T, Command>) {
          if (tool == Tool::kSpecular) specular_->record_command(body);
        }
      },
      event.body);
}

void DerivedMetrics::record_llm_call(std::string_view service, const LlmCall& call, Tool tool) {
  Families& m = *families_;
  const double count = static_cast<double>(call.count > 0 ? call.count : 0);
  const std::string_view provider = or_unknown(call.provider);
  const std::string_view model = or_unknown(call.model);
  const std::string_view outcome = outcome_label(call.outcome);
  const std::string_view operation = or_unknown(call.operation);
  const bool success = call.outcome == Outcome::kSuccess;
  const std::string_view error_type =
      !call.error_type.empty() ? std::string_view(call.error_type) : (success ? kNone : kUnknown);

  // Every series this call touches, from one lookup of its label set.
  // The cache is full: each series through its family, from an entry of this call's own. On the
  // heap, made only then: a std::optional of it was zeroed whole (344 bytes, `rep stos`) for
  // every call, about 48 instructions of each.
  std::unique_ptr<LlmCallSeries> uncached;
  LlmCallSeries* cached =
      m.llm_calls.find({service, provider, model, operation, outcome, error_type});
  if (cached == nullptr) uncached = std::make_unique<LlmCallSeries>();
  LlmCallSeries& series = cached != nullptr ? *cached : *uncached;
  LlmCallSeriesCache* const cache = cached != nullptr && defer_updates_ ? &m.llm_calls : nullptr;
  // The label values of each family, built only for a series resolved at once (count_call).
  const auto call_labels = [&] {
    return std::array{service, provider, model, operation, outcome, error_type};
  };
  const auto duration_labels = [&] {
    return std::array{service, provider, model, operation, outcome};
  };
  const auto series_labels = [&] { return std::array{service, provider, model}; };
  const auto add = [&](prometheus::Counter*& slot, double& pending,
                       LimitedFamily<prometheus::Counter>& family, const auto& labels,
                       double amount) {
    count_call(cache, series, slot, pending, family, labels, amount);
  };

  add(series.requests, series.pending.requests, m.llm_requests, call_labels, count);
  const bool has_duration = call.duration_seconds && *call.duration_seconds >= 0.0;
  if (has_duration) {
    observe_call(cache, series, series.duration, series.pending.duration, m.llm_duration,
                 duration_labels, *call.duration_seconds);
  }

  // Tokens. "input" is the whole prompt including cache tokens (the GenAI convention), whatever
  // convention the input used; cache_read / cache_creation are parts of it, reasoning part of
  // output.
  auto add_tokens = [&](LlmTokenType type, std::string_view name, std::int64_t value) {
    if (value > 0) {
      const auto t = static_cast<std::size_t>(type);
      const auto token_labels = [&] { return std::array{service, provider, model, name}; };
      add(series.tokens[t], series.pending.tokens[t], m.llm_tokens, token_labels,
          static_cast<double>(value));
    }
  };
  const std::int64_t cache_read = call.cache_read_tokens.value_or(0);
  const std::int64_t cache_creation = call.cache_creation_tokens.value_or(0);
  if (call.input_tokens) {
    const std::int64_t input = call.input_includes_cache
                                   ? *call.input_tokens
                                   : *call.input_tokens + std::max<std::int64_t>(cache_read, 0) +
                                         std::max<std::int64_t>(cache_creation, 0);
    add_tokens(LlmTokenType::kInput, "input", input);
  }
  if (call.output_tokens) add_tokens(LlmTokenType::kOutput, "output", *call.output_tokens);
  if (call.cache_read_tokens) add_tokens(LlmTokenType::kCacheRead, "cache_read", cache_read);
  if (call.cache_creation_tokens) {
    add_tokens(LlmTokenType::kCacheCreation, "cache_creation", cache_creation);
  }
  if (call.reasoning_tokens) {
    add_tokens(LlmTokenType::kReasoning, "reasoning", *call.reasoning_tokens);
  }

  // Cost: reported wins; otherwise computed from the table; never a silent 0 (call_cost.h, shared
  // with the exported event documents). The entry remembers the table's answer for its model,
  // unless a label stands for an absent provider or model ("unknown" is not what the table was
  // asked).
  const ModelPrice* price = nullptr;
  if (!usable_cost(call.cost_usd)) {
    if (call.provider.empty() || call.model.empty()) {
      price = pricing_.find(call.provider, call.model);
    } else {
      if (!series.price_known) {
        series.price = pricing_.find(call.provider, call.model);
        series.price_known = true;
      }
      price = series.price;
    }
  }
  const CallCost call_cost = llm_call_cost(call, price);
  const std::optional<double>& cost = call_cost.usd;
  const auto cost_labels = [&] {
    return std::array{service, provider, model, cost_source_name(call_cost.source)};
  };
  switch (call_cost.source) {
    case CostSource::kReported:
      add(series.reported_cost, series.pending.reported_cost, m.llm_cost, cost_labels, *cost);
      break;
    case CostSource::kComputed:
      add(series.computed_cost, series.pending.computed_cost, m.llm_cost, cost_labels, *cost);
      break;
    case CostSource::kNoUsage:
      // A failed call normally has no usage: counting it would make the series (and its alert)
      // follow the error rate instead of missing usage.
      if (success) {
        add(series.without_usage, series.pending.without_usage, m.llm_without_usage, series_labels,
            count);
      }
      break;
    case CostSource::kUnpriced:
      add(series.unpriced, series.pending.unpriced, m.llm_unpriced, series_labels, count);
      // Once per label set: the log keeps the pair (see LlmCallSeries::unpriced_told), and asking
      // it, with the clock, cost an unpriced call about 370 instructions.
      if (!series.unpriced_told) {
        unpriced_log_.seen(service, provider, model, clock_());
        series.unpriced_told = true;
      }
      break;
  }

  if (tool == Tool::kSpecular) {
    specular_->record_llm_call(cache, series, provider, model, success, error_type,
                               has_duration ? call.duration_seconds : std::nullopt, cost, count);
  } else if (tool == Tool::kSpecAgents && cost) {
    refresh_daily_cost_locked();
    spec_agents_->add_daily_cost(*cost);
  }
}

}  // namespace specwatch
