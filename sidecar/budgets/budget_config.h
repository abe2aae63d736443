// The typed `budgets:` section: what each budget counts (scope), over which period (window), up to
// which limit, and when it tells someone (thresholds, forecast). Parsed by read_budgets_section
// (budget_config.cpp), registered by the app (sidecar/app/app_config.cpp); docs/BUDGETS.md.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace specwatch {

enum class BudgetUnit : std::uint8_t { kUsd, kTokens, kRequests };

enum class BudgetWindowKind : std::uint8_t {
  kDay,       // calendar day in `time_zone`
  kWeek,      // calendar week (Monday 00:00) in `time_zone`
  kMonth,     // calendar month in `time_zone`
  kRolling,   // the last `rolling_seconds` (1h, 24h, 7d, 30d)
  kWorkflow,  // the lifetime of each workflow (per_workflow budgets)
  kRequest,   // one call: a per-request ceiling
};

struct BudgetThreshold {
  double percent = 0.0;  // of the limit, > 0
  std::string severity;  // "info", "warning" or "critical"
};

// A label matcher over an event: the label must equal one of `values`.
struct BudgetMatcher {
  std::string label;  // service, source, provider, model, operation
  std::vector<std::string> values;
};

struct BudgetConfig {
  std::string name;  // [a-z0-9][a-z0-9_.-]*, unique: the `budget` label
  std::vector<BudgetMatcher> match;
  BudgetWindowKind window = BudgetWindowKind::kDay;
  std::int64_t rolling_seconds = 0;  // kRolling only
  std::string time_zone = "UTC";     // calendar windows: an IANA name
  BudgetUnit unit = BudgetUnit::kUsd;
  double limit = 0.0;  // > 0, in `unit`
  std::vector<BudgetThreshold> thresholds;
  bool forecast = true;
  // No forecast before this share of the period has passed (a quiet morning's first call must
  // not page).
  double forecast_min_period_share = 0.1;
  std::string description;
};

struct BudgetsConfig {
  std::vector<BudgetConfig> budgets;
  // Per-workflow budgets track at most this many open workflows (the least recently active one is
  // closed first), close a workflow idle for longer than workflow_idle_timeout_ms, and one open
  // (since its first call) for longer than workflow_max_open_ms.
  std::int64_t max_open_workflows = 10000;
  std::int64_t workflow_idle_timeout_ms = 3600000;
  std::int64_t workflow_max_open_ms = 86400000;
  // How often alerts are evaluated and the state is persisted (and file positions released).
  std::int64_t evaluation_interval_ms = 1000;
};

// The default thresholds: 50/75/90 % warning, 100 % critical.
std::vector<BudgetThreshold> default_budget_thresholds();

const char* budget_unit_name(BudgetUnit unit);               // "usd", "tokens", "requests"
std::string budget_window_name(const BudgetConfig& budget);  // "day", "1h", "workflow", ...

}  // namespace specwatch
