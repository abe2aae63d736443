#include "sidecar/budgets/budget_window.h"

#include <absl/time/civil_time.h>

namespace specwatch {
namespace {

std::int64_t start_of(absl::CivilDay day, const absl::TimeZone& zone) {
  // FromCivil maps a skipped local time to the instant the clocks jumped over it.
  return absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(day), zone));
}

}  // namespace

BudgetPeriod calendar_period(BudgetWindowKind kind, const absl::TimeZone& zone, std::int64_t t_s) {
  const absl::CivilDay day = absl::ToCivilDay(absl::FromUnixSeconds(t_s), zone);
  absl::CivilDay first = day;
  absl::CivilDay next = day + 1;
  if (kind == BudgetWindowKind::kWeek) {
    first = absl::PrevWeekday(day + 1, absl::Weekday::monday);
    next = first + 7;
  } else if (kind == BudgetWindowKind::kMonth) {
    const absl::CivilMonth month(day);
    first = absl::CivilDay(month);
    next = absl::CivilDay(month + 1);
  }
  return {start_of(first, zone), start_of(next, zone)};
}

const char* period_phrase(const BudgetConfig& budget) {
  switch (budget.window) {
    case BudgetWindowKind::kDay:
      return "today";
    case BudgetWindowKind::kWeek:
      return "this week";
    case BudgetWindowKind::kMonth:
      return "this month";
    case BudgetWindowKind::kWorkflow:
      return "in this workflow";
    case BudgetWindowKind::kRequest:
      return "in one call";
    case BudgetWindowKind::kRolling:
      break;
  }
  return "in the rolling window";
}

}  // namespace specwatch
