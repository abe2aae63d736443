// What a budget's state means for people: its status (budget_status.h) and its alerts
// (thresholds reached, forecast over the limit, workflows over their cap, calls over a ceiling)
// with a message in words ("specular-daily: $15.10 of $20.00 (76 %) spent today, Europe/Berlin;
// at this rate $27.40 by midnight").
#pragma once

#include <string>
#include <vector>

#include "sidecar/budgets/budget_track.h"

namespace specwatch {

BudgetStatus budget_status(const BudgetEngine::Track& track, std::int64_t now_s);
std::vector<AlertNotification> budget_alerts(const BudgetEngine::Track& track, std::int64_t now_s);
// The identity of an alert instance: its labels, joined.
std::string alert_key(const AlertNotification& alert);
// An amount in the budget's unit as people read it: "$15.10", "12,000 tokens", "40 requests".
std::string format_amount(double amount, BudgetUnit unit);

}  // namespace specwatch
