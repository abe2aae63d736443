#include "sidecar/budgets/budget_track.h"

#include <algorithm>
#include <cmath>

namespace specwatch {

BudgetEngine::Track::Track(const BudgetConfig& budget)
    : config(budget),
      limit_units(static_cast<std::int64_t>(
          std::llround(budget.limit * (budget.unit == BudgetUnit::kUsd ? kNanoUsd : 1.0)))),
      rolling(budget.window == BudgetWindowKind::kRolling
                  ? std::max<std::int64_t>(
                        budget.rolling_seconds / static_cast<std::int64_t>(BucketRing::kBuckets), 1)
                  : 60),
      fired_at(budget.thresholds.size(), 0) {
  if (!absl::LoadTimeZone(budget.time_zone, &zone)) zone = absl::UTCTimeZone();
  if (limit_units <= 0) limit_units = 1;
}

void BudgetEngine::Track::roll(std::int64_t t_s) {
  if (!calendar()) return;
  if (period.end_s != 0 && t_s < period.end_s) return;
  const BudgetWindowKind kind =
      config.window == BudgetWindowKind::kRequest ? BudgetWindowKind::kDay : config.window;
  period = calendar_period(kind, zone, t_s);
  amount = 0;
  unpriced = 0;
  late = 0;
  std::fill(fired_at.begin(), fired_at.end(), 0);
  forecast_since = 0;
}

std::int64_t BudgetEngine::Track::current(std::int64_t now_s) const {
  switch (config.window) {
    case BudgetWindowKind::kRolling:
      return rolling.sum(now_s);
    case BudgetWindowKind::kWorkflow: {
      std::int64_t most = 0;
      for (const WorkflowSpend& workflow : workflows) most = std::max(most, workflow.amount);
      return most;
    }
    default:
      return amount;
  }
}

// The burn rate is the higher of the period's average and the last hour's (the more conservative
// of the two: a quiet night does not hide a busy last hour, a lull does not hide a busy day).
std::optional<double> BudgetEngine::Track::forecast_units(std::int64_t now_s) const {
  if (!config.forecast || config.window == BudgetWindowKind::kRequest || !calendar()) {
    return std::nullopt;
  }
  const double elapsed = static_cast<double>(now_s - period.start_s);
  const double length = static_cast<double>(period.length_s());
  if (elapsed <= 0 || elapsed < config.forecast_min_period_share * length) return std::nullopt;
  const double period_rate = static_cast<double>(amount) / elapsed;
  const double hour_rate = static_cast<double>(last_hour.sum(now_s)) / std::min(elapsed, 3600.0);
  const double remaining = std::max(0.0, static_cast<double>(period.end_s - now_s));
  return static_cast<double>(amount) + std::max(period_rate, hour_rate) * remaining;
}

void BudgetEngine::Track::add(std::int64_t t_s, std::int64_t units, const std::string& workflow_id,
                              std::int64_t now_s, std::int64_t max_workflows) {
  switch (config.window) {
    case BudgetWindowKind::kRolling:
      if (t_s >= rolling.oldest_kept(now_s)) rolling.add(t_s, units);
      return;
    case BudgetWindowKind::kRequest:
      roll(t_s);
      if (t_s < period.start_s) return;
      amount = std::max(amount, units);
      if (units > limit_units) {
        ++over_limit_total;
        last_over_s = t_s;
      }
      return;
    case BudgetWindowKind::kWorkflow: {
      if (workflow_id.empty()) return;
      auto found = workflow_index.find(workflow_id);
      if (found == workflow_index.end()) {
        if (static_cast<std::int64_t>(workflows.size()) >= max_workflows) {
          workflow_index.erase(workflows.back().id);
          workflows.pop_back();
        }
        workflows.push_front(
            WorkflowSpend{workflow_id, 0, t_s, t_s, std::vector<std::int64_t>(fired_at.size(), 0)});
        found = workflow_index.emplace(workflow_id, workflows.begin()).first;
      } else {
        workflows.splice(workflows.begin(), workflows, found->second);
      }
      WorkflowSpend& workflow = *found->second;
      const bool was_over = workflow.amount > limit_units;
      workflow.amount += units;
      workflow.last_s = std::max(workflow.last_s, now_s);
      if (!was_over && workflow.amount > limit_units) {
        ++over_limit_total;
        last_over_s = now_s;
      }
      return;
    }
    default:
      roll(t_s);
      if (t_s < period.start_s) {
        ++late;
        return;
      }
      amount += units;
      last_hour.add(t_s, units);
  }
}

void BudgetEngine::Track::close_workflows(std::int64_t now_s, std::int64_t idle_s,
                                          std::int64_t max_open_s) {
  // The list is ordered by last activity: the idle ones are at its end.
  while (!workflows.empty() && workflows.back().last_s + idle_s <= now_s) {
    workflow_index.erase(workflows.back().id);
    workflows.pop_back();
  }
  // A workflow that never goes idle (an id reused by every run, a stuck loop) still ends.
  for (auto it = workflows.begin(); it != workflows.end();) {
    if (it->first_s + max_open_s <= now_s) {
      workflow_index.erase(it->id);
      it = workflows.erase(it);
    } else {
      ++it;
    }
  }
}

void BudgetEngine::Track::update_thresholds(std::int64_t now_s) {
  const auto reached = [&](std::int64_t units, std::size_t i) {
    return static_cast<double>(units) * 100.0 >=
           config.thresholds[i].percent * static_cast<double>(limit_units);
  };
  if (config.window == BudgetWindowKind::kWorkflow) {
    for (WorkflowSpend& workflow : workflows) {
      for (std::size_t i = 0; i < fired_at.size(); ++i) {
        if (workflow.fired_at[i] == 0 && reached(workflow.amount, i)) workflow.fired_at[i] = now_s;
      }
    }
    return;
  }
  const std::int64_t units = current(now_s);
  for (std::size_t i = 0; i < fired_at.size(); ++i) {
    if (reached(units, i)) {
      if (fired_at[i] == 0) fired_at[i] = now_s;
    } else if (config.window == BudgetWindowKind::kRolling) {
      fired_at[i] = 0;  // a rolling window has no period: below the threshold again resolves
    }
  }
}

}  // namespace specwatch
