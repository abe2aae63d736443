// Where one budget stands at one moment: what /api/v1/budgets, the budget metrics, the status page
// and `specwatch status` show. Amounts are in the budget's unit (USD, tokens, requests).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace specwatch {

struct BudgetThresholdStatus {
  double percent = 0.0;
  std::string severity;
  bool fired = false;           // fired in the current period (calendar) or firing now (rolling)
  std::int64_t fired_at_s = 0;  // unix seconds, 0 when not fired
};

struct BudgetStatus {
  std::string name;
  std::string description;
  std::string unit;    // usd, tokens, requests
  std::string window;  // day, week, month, 1h, 24h, 7d, 30d, workflow, request
  std::string time_zone;
  double spent = 0.0;  // per workflow: the open workflow that spent most; per request: the
                       // largest call of the current day
  double limit = 0.0;
  double utilization = 0.0;         // spent / limit
  std::optional<double> forecast;   // spend at the period's end at the current burn rate
  std::int64_t period_start_s = 0;  // unix seconds
  std::int64_t period_end_s = 0;
  std::int64_t unpriced_calls = 0;  // usd budgets: matching calls without a cost (not in `spent`)
  std::int64_t open_workflows = 0;
  std::int64_t over_limit_total = 0;  // workflows (per workflow) or calls (per request) over limit
  std::vector<BudgetThresholdStatus> thresholds;

  std::optional<double> forecast_ratio() const {
    if (!forecast) return std::nullopt;
    return *forecast / limit;
  }
};

// An amount as people read it: "$15.10" for usd, "12000 tokens", "40 requests".
std::string format_budget_amount(double amount, const std::string& unit);

}  // namespace specwatch
