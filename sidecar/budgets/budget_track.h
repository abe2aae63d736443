// One budget's state inside BudgetEngine (private to the engine's translation units).
#pragma once

#include <array>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

#include "sidecar/budgets/budget_engine.h"

namespace specwatch {

// Amounts per time bucket in a ring of kBuckets: the last hour by minute (burn rate), or a
// rolling window by 1/kBuckets of its length.
class BucketRing {
 public:
  static constexpr std::size_t kBuckets = 60;
  explicit BucketRing(std::int64_t bucket_s = 60) : bucket_s_(bucket_s) {}

  void add(std::int64_t t_s, std::int64_t amount) {
    const std::int64_t index = t_s / bucket_s_;
    auto& slot = slots_[static_cast<std::size_t>(index % kBuckets)];
    if (slot.index != index) slot = {index, 0};
    slot.amount += amount;
  }
  // The sum of the buckets that overlap (now - kBuckets * bucket, now].
  std::int64_t sum(std::int64_t now_s) const {
    const std::int64_t newest = now_s / bucket_s_;
    std::int64_t total = 0;
    for (const auto& slot : slots_) {
      if (slot.index > newest - static_cast<std::int64_t>(kBuckets) && slot.index <= newest) {
        total += slot.amount;
      }
    }
    return total;
  }
  std::int64_t oldest_kept(std::int64_t now_s) const {
    return (now_s / bucket_s_ - static_cast<std::int64_t>(kBuckets) + 1) * bucket_s_;
  }
  std::int64_t bucket_s() const { return bucket_s_; }

  struct Slot {
    std::int64_t index = -1;
    std::int64_t amount = 0;
  };
  std::array<Slot, kBuckets>& slots() { return slots_; }
  const std::array<Slot, kBuckets>& slots() const { return slots_; }

 private:
  std::int64_t bucket_s_;
  std::array<Slot, kBuckets> slots_{};
};

struct WorkflowSpend {
  std::string id;
  std::int64_t amount = 0;
  std::int64_t first_s = 0;
  std::int64_t last_s = 0;
  std::vector<std::int64_t> fired_at;  // per threshold; 0 = not reached
};

struct BudgetEngine::Track {
  explicit Track(const BudgetConfig& budget);

  bool calendar() const {
    return config.window == BudgetWindowKind::kDay || config.window == BudgetWindowKind::kWeek ||
           config.window == BudgetWindowKind::kMonth || config.window == BudgetWindowKind::kRequest;
  }
  // Moves to the period holding t_s when the current one is over (a new period starts empty).
  void roll(std::int64_t t_s);
  // The amount shown: the period's sum, the rolling window's, the largest open workflow's or, per
  // request, the largest call of the day.
  std::int64_t current(std::int64_t now_s) const;
  std::optional<double> forecast_units(std::int64_t now_s) const;
  void add(std::int64_t t_s, std::int64_t amount, const std::string& workflow_id,
           std::int64_t now_s, std::int64_t max_workflows);
  // Closes the workflows idle for idle_s and those open (since their first call) for max_open_s.
  void close_workflows(std::int64_t now_s, std::int64_t idle_s, std::int64_t max_open_s);
  // Sets fired_at for thresholds reached (and, rolling, clears those no longer reached).
  void update_thresholds(std::int64_t now_s);

  BudgetConfig config;
  absl::TimeZone zone;
  std::int64_t limit_units = 0;  // the limit in the unit of the amounts (nano-USD for usd)
  BudgetPeriod period;
  std::int64_t amount = 0;  // calendar: the period's sum; request: the period's largest call
  std::int64_t unpriced = 0;
  std::int64_t late = 0;  // calls dated before the current period (not counted)
  BucketRing last_hour{60};
  BucketRing rolling{60};
  std::vector<std::int64_t> fired_at;  // per threshold; 0 = not reached in this period
  std::int64_t forecast_since = 0;     // forecast over the limit since (0 = not)
  std::int64_t over_limit_total = 0;
  std::int64_t last_over_s = 0;
  // Open workflows, most recently active first.
  std::list<WorkflowSpend> workflows;
  std::unordered_map<std::string, std::list<WorkflowSpend>::iterator> workflow_index;
};

}  // namespace specwatch
