// Period arithmetic of budget windows: the calendar day, week (from Monday) or month that holds an
// instant in an IANA time zone (Abseil reads the system's tzdata, so a 23- or 25-hour day at a DST
// change, month lengths and leap days come out right), and the current span of a rolling window.
#pragma once

#include <absl/time/time.h>

#include <cstdint>

#include "sidecar/budgets/budget_config.h"

namespace specwatch {

struct BudgetPeriod {
  std::int64_t start_s = 0;  // unix seconds, inclusive
  std::int64_t end_s = 0;    // unix seconds, exclusive
  std::int64_t length_s() const { return end_s - start_s; }
};

// The calendar period of `kind` (kDay, kWeek, kMonth) holding unix second `t_s` in `zone`. A
// period starts at local midnight; where midnight does not exist (a DST gap at 00:00), at the
// first instant after it.
BudgetPeriod calendar_period(BudgetWindowKind kind, const absl::TimeZone& zone, std::int64_t t_s);

// "today", "this week", "this month" for messages; "in the last 24h" for rolling windows.
const char* period_phrase(const BudgetConfig& budget);

}  // namespace specwatch
