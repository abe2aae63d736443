// The budget accounting: which calls each budget counts, what they cost (exactly the arithmetic of
// specwatch_llm_cost_usd_total, call_cost.h), per period, with the file positions already counted
// (a watermark per file stream) so that records read again after a crash are not counted twice.
// Alerts (thresholds, forecast, workflows over their cap, calls over a ceiling) are evaluated by
// evaluate(). Not thread-safe: BudgetConsumer serializes the calls.
//
// Amounts are integers (nano-USD, tokens, requests), so that a sum does not depend on the order
// or grouping of its parts: the spend restored after a restart plus what follows equals, to the
// last digit, the spend counted in one go.
#pragma once

#include <absl/time/time.h>

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sidecar/budgets/budget_config.h"
#include "sidecar/budgets/budget_status.h"
#include "sidecar/budgets/budget_window.h"
#include "sidecar/core/alert_notification.h"
#include "sidecar/core/event_batch.h"
#include "sidecar/derive/pricing.h"

namespace specwatch {

inline constexpr double kNanoUsd = 1e9;

class BudgetEngine {
 public:
  BudgetEngine(const BudgetsConfig& config, PricingTable pricing);
  ~BudgetEngine();
  BudgetEngine(const BudgetEngine&) = delete;
  BudgetEngine& operator=(const BudgetEngine&) = delete;

  struct Recorded {
    // A budget changed: the batch must be persisted before its file positions are released.
    bool changed = false;
    // LLM calls at or below their file stream's watermark: counted before a restart, skipped.
    std::size_t already_counted = 0;
  };
  // Counts the batch's LLM calls into every budget whose scope they match. `now_s` (unix seconds)
  // bounds event times from above; an event without time counts at `now_s`.
  Recorded record(const EventBatch& batch, std::int64_t now_s);

  // Rolls finished periods, closes idle workflows, and appends the alerts worth telling (firing,
  // and resolved within the last 15 minutes) to `out`.
  void evaluate(std::int64_t now_s, std::vector<AlertNotification>& out);

  std::vector<BudgetStatus> status(std::int64_t now_s) const;

  // The whole state as JSON (amounts, periods, thresholds fired, open workflows, watermarks), and
  // back. restore() keeps what still applies to the configured budgets (same name, window, unit
  // and time zone; a period not yet over) and returns an error text, empty on success.
  std::string save() const;
  std::string restore(const std::string& json, std::int64_t now_s);

  std::size_t budget_count() const;

  struct Track;  // one budget's state (budget_engine.cpp)

 private:
  struct StreamKey {
    std::string source;
    std::uint64_t stream = 0;
    bool operator<(const StreamKey& other) const {
      return stream != other.stream ? stream < other.stream : source < other.source;
    }
  };
  struct Watermark {
    std::uint64_t offset = 0;
    std::int64_t updated_s = 0;
  };

  BudgetsConfig config_;
  PricingTable pricing_;
  std::vector<std::unique_ptr<Track>> tracks_;
  std::map<StreamKey, Watermark> watermarks_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> batch_marks_;  // reused per batch
  std::map<std::string, AlertNotification> firing_;  // at the last evaluation, by identity
  std::vector<AlertNotification> resolved_;          // resolved within the last 15 minutes
};

}  // namespace specwatch
