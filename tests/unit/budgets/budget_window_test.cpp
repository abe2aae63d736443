#include "sidecar/budgets/budget_window.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

absl::TimeZone zone(const char* name) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(name, &tz)) << name;
  return tz;
}

constexpr std::int64_t kHour = 3600;

TEST(BudgetWindow, BerlinSpringForwardDayHas23Hours) {
  // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST.
  const BudgetPeriod day =
      calendar_period(BudgetWindowKind::kDay, zone("Europe/Berlin"), 1774785600);  // 12:00Z
  EXPECT_EQ(day.start_s, 1774738800);  // 2026-03-28T23:00Z = 00:00 CET
  EXPECT_EQ(day.end_s, 1774821600);    // 2026-03-29T22:00Z = 00:00 CEST
  EXPECT_EQ(day.length_s(), 23 * kHour);
}

TEST(BudgetWindow, BerlinFallBackDayHas25Hours) {
  const BudgetPeriod day =
      calendar_period(BudgetWindowKind::kDay, zone("Europe/Berlin"), 1792929600);
  EXPECT_EQ(day.start_s, 1792879200);
  EXPECT_EQ(day.end_s, 1792969200);
  EXPECT_EQ(day.length_s(), 25 * kHour);
}

TEST(BudgetWindow, NewYorkDstChanges) {
  const absl::TimeZone ny = zone("America/New_York");
  const BudgetPeriod spring = calendar_period(BudgetWindowKind::kDay, ny, 1772971200);
  EXPECT_EQ(spring.start_s, 1772946000);  // 00:00 EST = 05:00Z
  EXPECT_EQ(spring.end_s, 1773028800);    // 00:00 EDT = 04:00Z
  EXPECT_EQ(spring.length_s(), 23 * kHour);
  const BudgetPeriod fall = calendar_period(BudgetWindowKind::kDay, ny, 1793534400);
  EXPECT_EQ(fall.start_s, 1793505600);
  EXPECT_EQ(fall.end_s, 1793595600);
  EXPECT_EQ(fall.length_s(), 25 * kHour);
}

TEST(BudgetWindow, DayBoundaryIsExclusive) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(calendar_period(BudgetWindowKind::kDay, utc, 1769904000 - 1).end_s, 1769904000);
  EXPECT_EQ(calendar_period(BudgetWindowKind::kDay, utc, 1769904000).start_s, 1769904000);
}

TEST(BudgetWindow, MonthEndsAndLeapDay) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  // 2026-01-31T23:30Z is still January; February 2026 has 28 days.
  const BudgetPeriod january = calendar_period(BudgetWindowKind::kMonth, utc, 1769902200);
  EXPECT_EQ(january.end_s, 1769904000);
  const BudgetPeriod february = calendar_period(BudgetWindowKind::kMonth, utc, 1769904000);
  EXPECT_EQ(february.length_s(), 28 * 24 * kHour);
  EXPECT_EQ(february.end_s, 1772323200);
  // 2028 is a leap year: 2028-02-29 is a day of February, which has 29 days.
  const BudgetPeriod leap_month = calendar_period(BudgetWindowKind::kMonth, utc, 1835438400);
  EXPECT_EQ(leap_month.start_s, 1832976000);
  EXPECT_EQ(leap_month.end_s, 1835481600);
  EXPECT_EQ(leap_month.length_s(), 29 * 24 * kHour);
  const BudgetPeriod leap_day = calendar_period(BudgetWindowKind::kDay, utc, 1835438400);
  EXPECT_EQ(leap_day.start_s, 1835438400 - 12 * kHour);
  EXPECT_EQ(leap_day.end_s, 1835481600);
}

TEST(BudgetWindow, MonthAcrossDstInBerlinIsOneHourShort) {
  // March 2026 in Berlin: 31 days minus the hour skipped on the 29th.
  const BudgetPeriod march =
      calendar_period(BudgetWindowKind::kMonth, zone("Europe/Berlin"), 1774785600);
  EXPECT_EQ(march.length_s(), 31 * 24 * kHour - kHour);
}

TEST(BudgetWindow, WeekStartsOnMonday) {
  // Friday 2026-12-04 → Monday 2026-11-30 .. Monday 2026-12-07.
  const BudgetPeriod week =
      calendar_period(BudgetWindowKind::kWeek, absl::UTCTimeZone(), 1796385600);
  EXPECT_EQ(week.start_s, 1795996800);
  EXPECT_EQ(week.end_s, 1796601600);
  // A Monday is the first day of its own week.
  EXPECT_EQ(calendar_period(BudgetWindowKind::kWeek, absl::UTCTimeZone(), 1795996800).start_s,
            1795996800);
}

}  // namespace
}  // namespace specwatch
