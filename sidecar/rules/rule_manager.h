// The rule evaluator inside the daemon: loads the rule files of `rules:`, collects the sidecar's
// own series into a SampleStore once per evaluation, evaluates every in-sidecar rule on a thread
// of its own, and after every evaluation
//   - hands firing and recently resolved alerts to the AlertReceiver (alert_notification.h),
//   - saves the alert states in the state store (restored at the next start),
//   - publishes a snapshot for /api/v1/rules, /api/v1/alerts and `specwatch_alerts`.
// Long-lived: a SIGHUP reload() swaps the rules and keeps the alerts of rules that still exist.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sidecar/core/alert_notification.h"
#include "sidecar/core/logger.h"
#include "sidecar/rules/alert_state_document.h"
#include "sidecar/rules/registry_scrape.h"
#include "sidecar/rules/rule_group.h"
#include "sidecar/rules/rule_scope.h"
#include "sidecar/rules/rules_config.h"
#include "sidecar/rules/rules_snapshot.h"
#include "sidecar/rules/sample_store.h"
#include "sidecar/state/state_store.h"

namespace specwatch::rules {

// Until notifiers are configured, alerts go nowhere (they are still on the API and in
// specwatch_alerts).
class DiscardingAlertReceiver : public AlertReceiver {
 public:
  void notify(std::span<const AlertNotification>) override {}
};

struct RuleManagerDeps {
  // The families the sidecar serves on /metrics (registry, pushed OTLP metrics, process).
  std::function<std::vector<prometheus::MetricFamily>()> collect;
  prometheus::Registry& registry;  // the manager's own metrics
  Logger& logger;
  AlertReceiver& receiver;
  std::optional<StateStore> state;  // none: alert states are not saved
  // The current time; tests step it, the daemon uses the system clock.
  std::function<Timestamp()> now;
};

class RuleManager {
 public:
  // `instance`: the resolved `instance` label of the sidecar's own series.
  RuleManager(RulesConfig config, std::string instance, RuleManagerDeps deps);
  ~RuleManager();
  RuleManager(const RuleManager&) = delete;
  RuleManager& operator=(const RuleManager&) = delete;

  // Loads the rule files and restores saved alert states. Returns the rule-file errors (nothing
  // is loaded from a file with errors).
  std::vector<std::string> load();
  // Starts the evaluation thread (nothing happens when rules are disabled).
  void start();
  void stop();
  // New rules (SIGHUP). Alerts of rules with the same group and name carry over.
  std::vector<std::string> reload(RulesConfig config);

  // One evaluation cycle at deps.now(): scrape, evaluate due groups, notify, save, publish.
  void evaluate_once();

  std::shared_ptr<const RulesSnapshot> snapshot() const;
  // specwatch_alerts{alertname, alertstate, ...}: 1 per pending or firing alert, as ALERTS.
  std::shared_ptr<prometheus::Collectable> alerts_metric() const { return alerts_metric_; }
  const SampleStore& store() const { return store_; }  // evaluation thread or stopped only

 private:
  struct LoadedGroup {
    std::unique_ptr<RuleGroup> group;
    std::vector<RuleScope> scopes;  // per rule
    std::vector<RuleOutcome> last;  // per rule, from the last evaluation
    Timestamp next_due = 0;
    Timestamp last_evaluation = 0;
    double evaluation_seconds = 0.0;
  };
  std::vector<std::string> load_locked();
  void classify_locked();
  int64_t retention_locked() const;
  std::vector<SavedAlert> saved_alerts_locked() const;
  void restore_locked(const std::vector<SavedAlert>& alerts);
  void restore_from_state_locked();
  void save_state_locked();
  void publish_locked(Timestamp now);
  void notify_locked(Timestamp now);
  void run();

  RulesConfig config_;
  std::string instance_;
  RuleManagerDeps deps_;
  AlertingContext context_;

  mutable std::mutex mutex_;  // everything below, between the evaluation thread and reload()
  std::vector<LoadedGroup> groups_;
  std::set<std::string, std::less<>> recorded_names_;
  SampleStore store_;
  RegistryScrape scrape_;
  size_t classified_with_names_ = SIZE_MAX;
  std::string saved_fingerprint_;
  uint64_t refused_reported_ = 0;

  mutable std::mutex snapshot_mutex_;
  std::shared_ptr<const RulesSnapshot> snapshot_;
  std::shared_ptr<prometheus::Collectable> alerts_metric_;

  prometheus::Gauge& store_samples_;
  prometheus::Gauge& store_series_;
  prometheus::Counter& store_refused_;
  prometheus::Family<prometheus::Counter>& evaluations_;
  prometheus::Family<prometheus::Counter>& failures_;
  prometheus::Gauge& cycle_seconds_;
  prometheus::Family<prometheus::Gauge>& rules_loaded_;

  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace specwatch::rules
