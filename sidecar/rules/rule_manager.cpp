#include "sidecar/rules/rule_manager.h"

#include <algorithm>
#include <chrono>

#include "sidecar/rules/alerts_metric.h"
#include "sidecar/rules/rules_section.h"

namespace specwatch::rules {
namespace {

// Longest time back any selector of `expr` reads: range plus offset.
int64_t reach_ms(const Expr& expr) {
  return std::visit(
      [](const auto& node) -> int64_t {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, VectorSelector>) {
          return node.offset_ms;
        } else if constexpr (std::is_same_v<T, MatrixSelector>) {
          return node.range_ms + node.selector.offset_ms;
        } else if constexpr (std::is_same_v<T, Call>) {
          int64_t most = 0;
          for (const auto& arg : node.args) most = std::max(most, reach_ms(*arg));
          return most;
        } else if constexpr (std::is_same_v<T, Aggregation>) {
          return std::max(node.param ? reach_ms(*node.param) : 0, reach_ms(*node.expr));
        } else if constexpr (std::is_same_v<T, Binary>) {
          return std::max(reach_ms(*node.lhs), reach_ms(*node.rhs));
        } else if constexpr (std::is_same_v<T, Unary> || std::is_same_v<T, Paren>) {
          return reach_ms(*node.expr);
        } else {
          return 0;
        }
      },
      expr.node);
}

Labels to_labels(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<Label> items;
  for (const auto& [name, value] : pairs) items.push_back(Label{name, value});
  return Labels(std::move(items));
}

SampleStoreLimits store_limits(const RulesConfig& config) {
  SampleStoreLimits limits;
  limits.max_samples = config.max_samples;
  return limits;
}

Timestamp system_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

RuleManager::RuleManager(RulesConfig config, std::string instance, RuleManagerDeps deps)
    : config_(std::move(config)),
      instance_(std::move(instance)),
      deps_(std::move(deps)),
      store_(store_limits(config_)),
      scrape_(Labels(std::vector<Label>{{"job", config_.job}, {"instance", instance_}})),
      snapshot_(std::make_shared<RulesSnapshot>()),
      store_samples_(prometheus::BuildGauge()
                         .Name("specwatch_rule_store_samples")
                         .Help("Samples held by the rule evaluator's sample store.")
                         .Register(deps_.registry)
                         .Add({})),
      store_series_(prometheus::BuildGauge()
                        .Name("specwatch_rule_store_series")
                        .Help("Series held by the rule evaluator's sample store.")
                        .Register(deps_.registry)
                        .Add({})),
      store_refused_(prometheus::BuildCounter()
                         .Name("specwatch_rule_store_samples_refused_total")
                         .Help("Samples the rule evaluator's store refused at rules.max_samples.")
                         .Register(deps_.registry)
                         .Add({})),
      evaluations_(prometheus::BuildCounter()
                       .Name("specwatch_rule_evaluations_total")
                       .Help("Rule evaluations, by rule group.")
                       .Register(deps_.registry)),
      failures_(prometheus::BuildCounter()
                    .Name("specwatch_rule_evaluation_failures_total")
                    .Help("Rule evaluations that failed, by rule group.")
                    .Register(deps_.registry)),
      cycle_seconds_(prometheus::BuildGauge()
                         .Name("specwatch_rule_evaluation_cycle_seconds")
                         .Help("Duration of the last evaluation cycle (scrape, rules, notify).")
                         .Register(deps_.registry)
                         .Add({})),
      rules_loaded_(prometheus::BuildGauge()
                        .Name("specwatch_rules_loaded")
                        .Help("Loaded rules, by whether the sidecar evaluates them.")
                        .Register(deps_.registry)) {
  if (!deps_.now) deps_.now = system_now;
  alerts_metric_ = make_alerts_metric([this] { return snapshot(); });
}

RuleManager::~RuleManager() {
  stop();
}

std::vector<std::string> RuleManager::load() {
  std::lock_guard lock(mutex_);
  auto errors = load_locked();
  restore_from_state_locked();
  return errors;
}

std::vector<std::string> RuleManager::load_locked() {
  std::vector<std::string> errors;
  context_.external_labels = to_labels(config_.external_labels);
  context_.external_url =
      config_.external_url.empty() ? "http://" + instance_ : config_.external_url;
  groups_.clear();
  recorded_names_.clear();
  if (!config_.enabled) return errors;
  for (const auto& file : expand_rule_files(config_)) {
    RuleFileResult result = load_rule_file(file);
    if (!result.ok()) {
      for (auto& e : result.errors) errors.push_back(std::move(e));
      continue;
    }
    for (auto& spec : result.groups) {
      for (const auto& rule : spec.rules) {
        if (!rule.record.empty()) recorded_names_.insert(rule.record);
      }
      LoadedGroup loaded;
      loaded.group = std::make_unique<RuleGroup>(std::move(spec), context_);
      loaded.scopes.resize(loaded.group->spec().rules.size());
      loaded.last.resize(loaded.group->spec().rules.size());
      groups_.push_back(std::move(loaded));
    }
  }
  classified_with_names_ = SIZE_MAX;
  classify_locked();
  SampleStoreLimits limits = store_.limits();
  limits.retention_ms = retention_locked();
  limits.max_samples = config_.max_samples;
  store_.set_limits(limits);
  return errors;
}

void RuleManager::classify_locked() {
  if (classified_with_names_ == scrape_.names().size()) return;
  classified_with_names_ = scrape_.names().size();
  VisibleSeries visible{[this](std::string_view name) {
                          return scrape_.names().contains(name) || recorded_names_.contains(name) ||
                                 registry_has_family(deps_.registry, name);
                        },
                        config_.job};
  double in_sidecar = 0;
  double prometheus_only = 0;
  for (auto& g : groups_) {
    const auto& rules = g.group->spec().rules;
    for (size_t i = 0; i < rules.size(); ++i) {
      g.scopes[i] = classify_expr(*rules[i].expr, visible);
      g.group->set_evaluated(i, g.scopes[i].in_sidecar);
      (g.scopes[i].in_sidecar ? in_sidecar : prometheus_only) += 1;
    }
  }
  rules_loaded_.Add({{"scope", "in_sidecar"}}).Set(in_sidecar);
  rules_loaded_.Add({{"scope", "prometheus_only"}}).Set(prometheus_only);
}

int64_t RuleManager::retention_locked() const {
  // The lookback of an instant selector, and one interval so the oldest window stays whole.
  int64_t most = 0;
  for (const auto& g : groups_) {
    for (const auto& rule : g.group->spec().rules) most = std::max(most, reach_ms(*rule.expr));
  }
  return most + context_.lookback_ms + config_.evaluation_interval_ms;
}

std::vector<SavedAlert> RuleManager::saved_alerts_locked() const {
  std::vector<SavedAlert> out;
  for (const auto& g : groups_) {
    for (const AlertingRule* rule : g.group->alerting_rules()) {
      for (const Alert* alert : rule->alerts())
        out.push_back(SavedAlert{g.group->name(), rule->name(), *alert});
    }
  }
  return out;
}

void RuleManager::restore_locked(const std::vector<SavedAlert>& alerts) {
  for (auto& g : groups_) {
    std::map<std::string, std::vector<Alert>> by_rule;
    for (const auto& saved : alerts) {
      if (saved.group == g.group->name()) by_rule[saved.rule].push_back(saved.alert);
    }
    for (auto& [rule, list] : by_rule) {
      if (AlertingRule* r = g.group->find_alerting_rule(rule)) r->restore(std::move(list));
    }
  }
}

void RuleManager::restore_from_state_locked() {
  if (!deps_.state) return;
  StateRead read = deps_.state->read(kAlertStateDocument, kAlertStateVersion);
  if (read.status == StateRead::Status::kCorrupt || read.status == StateRead::Status::kError) {
    deps_.logger.warn("cannot read the saved alert states; alerts start afresh",
                      {{"error", read.error}});
    return;
  }
  if (read.status != StateRead::Status::kOk) return;
  try {
    auto alerts = decode_alert_states(read.data);
    restore_locked(alerts);
    deps_.logger.info("alert states restored", {{"alerts", alerts.size()}});
  } catch (const std::exception& e) {
    deps_.logger.warn("cannot use the saved alert states; alerts start afresh",
                      {{"error", e.what()}});
  }
}

void RuleManager::save_state_locked() {
  if (!deps_.state) return;
  std::string document = encode_alert_states(saved_alerts_locked());
  // The values change every cycle; only a change of state, times or labels is worth a write.
  std::string fingerprint;
  for (const auto& g : groups_) {
    for (const AlertingRule* rule : g.group->alerting_rules()) {
      for (const Alert* a : rule->alerts()) {
        fingerprint += a->labels.to_string() + alert_state_name(a->state) +
                       std::to_string(a->active_at) + "/" + std::to_string(a->resolved_at) + "/" +
                       std::to_string(a->keep_firing_since) + ";";
      }
    }
  }
  if (fingerprint == saved_fingerprint_) return;
  if (std::string error = deps_.state->write(kAlertStateDocument, kAlertStateVersion, document);
      !error.empty()) {
    deps_.logger.warn("cannot save the alert states", {{"error", error}});
    return;
  }
  saved_fingerprint_ = std::move(fingerprint);
}

void RuleManager::evaluate_once() {
  const auto started = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  const Timestamp now = deps_.now();
  scrape_.scrape(deps_.collect(), now, store_);
  classify_locked();
  for (auto& g : groups_) {
    if (now < g.next_due) continue;
    const int64_t interval = g.group->spec().interval_ms > 0 ? g.group->spec().interval_ms
                                                             : config_.evaluation_interval_ms;
    g.next_due = now + interval;
    const auto group_started = std::chrono::steady_clock::now();
    GroupEvaluation result = g.group->eval(now, store_, store_);
    g.evaluation_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - group_started).count();
    g.last_evaluation = now;
    for (size_t i = 0; i < result.rules.size(); ++i) {
      if (result.rules[i].skipped) continue;
      g.last[i] = result.rules[i];
      evaluations_.Add({{"rule_group", g.group->name()}}).Increment();
      if (!result.rules[i].error.empty()) {
        failures_.Add({{"rule_group", g.group->name()}}).Increment();
      }
    }
  }
  store_.compact(now);
  store_samples_.Set(static_cast<double>(store_.sample_count()));
  store_series_.Set(static_cast<double>(store_.series_count()));
  store_refused_.Increment(static_cast<double>(store_.refused_total() - refused_reported_));
  refused_reported_ = store_.refused_total();
  // Published before the notifiers hear of it: a notification links to /api/v1/alerts
  // (generator_url), and whoever follows it must find the alert there, not the cycle before.
  publish_locked(now);
  notify_locked(now);
  save_state_locked();
  cycle_seconds_.Set(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

std::vector<std::string> RuleManager::reload(RulesConfig config) {
  std::lock_guard lock(mutex_);
  std::vector<SavedAlert> alerts = saved_alerts_locked();
  if (config.job != config_.job) {
    deps_.logger.warn("rules.job changes take effect at the next start");
    config.job = config_.job;
  }
  config_ = std::move(config);
  auto errors = load_locked();
  restore_locked(alerts);
  publish_locked(deps_.now());
  return errors;
}

void RuleManager::start() {
  if (!config_.enabled || thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void RuleManager::stop() {
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RuleManager::run() {
  // The first cycle runs one interval after the start, as a scrape would: the sources have read
  // by then, so a restored firing alert finds its series instead of resolving on an empty store.
  while (true) {
    int64_t interval_ms = 0;
    {
      std::lock_guard lock(mutex_);
      interval_ms = config_.evaluation_interval_ms;
      for (const auto& g : groups_) {
        if (g.group->spec().interval_ms > 0)
          interval_ms = std::min(interval_ms, g.group->spec().interval_ms);
      }
    }
    {
      std::unique_lock lock(wake_mutex_);
      if (wake_.wait_for(lock, std::chrono::milliseconds(interval_ms),
                         [this] { return stopping_; }))
        return;
    }
    try {
      evaluate_once();
    } catch (const std::exception& e) {
      deps_.logger.error("rule evaluation cycle failed", {{"error", e.what()}});
    }
  }
}

std::shared_ptr<const RulesSnapshot> RuleManager::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

}  // namespace specwatch::rules
