#include "sidecar/budgets/budget_alerts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace specwatch {
namespace {

using Clock = std::chrono::system_clock;

double in_unit(std::int64_t units, BudgetUnit unit) {
  return unit == BudgetUnit::kUsd ? static_cast<double>(units) / kNanoUsd
                                  : static_cast<double>(units);
}

std::string percent_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", value);
  return text;
}

std::string local_time(std::int64_t t_s, const absl::TimeZone& zone) {
  return absl::FormatTime("%Y-%m-%d %H:%M %Z", absl::FromUnixSeconds(t_s), zone);
}

AlertNotification make_alert(const BudgetEngine::Track& track, std::string alertname,
                             std::string threshold, std::string severity, double value,
                             std::int64_t starts_s, std::int64_t ends_s, std::string summary) {
  AlertNotification alert;
  alert.labels = {{"alertname", std::move(alertname)},
                  {"budget", track.config.name},
                  {"severity", std::move(severity)},
                  {"threshold", std::move(threshold)}};
  std::sort(alert.labels.begin(), alert.labels.end());
  alert.annotations = {{"summary", std::move(summary)}};
  if (!track.config.description.empty()) {
    alert.annotations.emplace_back("description", track.config.description);
  }
  alert.value = value;
  alert.starts_at = Clock::from_time_t(starts_s);
  alert.ends_at = Clock::from_time_t(ends_s);
  alert.generator_url = "/api/v1/budgets";
  alert.origin = "budgets";
  return alert;
}

// "specular-daily: $15.10 of $20.00 (76 %) spent today, Europe/Berlin; at this rate $27.40 by
// 2026-12-05 00:00 CET"
std::string spend_sentence(const BudgetEngine::Track& track, std::int64_t now_s) {
  const BudgetConfig& budget = track.config;
  const double spent = in_unit(track.current(now_s), budget.unit);
  std::string text = budget.name + ": " + format_amount(spent, budget.unit) + " of " +
                     format_amount(budget.limit, budget.unit) + " (" +
                     percent_text(spent / budget.limit * 100.0) + " %) spent " +
                     period_phrase(budget);
  if (track.calendar()) text += ", " + budget.time_zone;
  if (std::optional<double> forecast = track.forecast_units(now_s)) {
    text += "; at this rate " +
            format_amount(in_unit(std::llround(*forecast), budget.unit), budget.unit) + " by " +
            local_time(track.period.end_s, track.zone);
  }
  return text;
}

}  // namespace

std::string format_amount(double amount, BudgetUnit unit) {
  return format_budget_amount(amount, budget_unit_name(unit));
}

std::string format_budget_amount(double amount, const std::string& unit) {
  char text[64];
  if (unit == "usd") {
    std::snprintf(text, sizeof text, "$%.2f", amount);
  } else {
    std::snprintf(text, sizeof text, "%.0f %s", amount, unit.c_str());
  }
  return text;
}

std::string alert_key(const AlertNotification& alert) {
  std::string key;
  for (const auto& [name, value] : alert.labels) key += name + "=" + value + ",";
  return key;
}

BudgetStatus budget_status(const BudgetEngine::Track& track, std::int64_t now_s) {
  const BudgetConfig& budget = track.config;
  BudgetStatus status;
  status.name = budget.name;
  status.description = budget.description;
  status.unit = budget_unit_name(budget.unit);
  status.window = budget_window_name(budget);
  status.time_zone = track.calendar() ? budget.time_zone : "";
  status.spent = in_unit(track.current(now_s), budget.unit);
  status.limit = budget.limit;
  status.utilization = status.spent / budget.limit;
  if (std::optional<double> forecast = track.forecast_units(now_s)) {
    status.forecast = in_unit(std::llround(*forecast), budget.unit);
  }
  if (track.calendar()) {
    status.period_start_s = track.period.start_s;
    status.period_end_s = track.period.end_s;
  } else if (budget.window == BudgetWindowKind::kRolling) {
    status.period_start_s = now_s - budget.rolling_seconds;
    status.period_end_s = now_s;
  }
  status.unpriced_calls = track.unpriced;
  status.open_workflows = static_cast<std::int64_t>(track.workflows.size());
  status.over_limit_total = track.over_limit_total;
  for (std::size_t i = 0; i < budget.thresholds.size(); ++i) {
    std::int64_t fired = track.fired_at[i];
    if (budget.window == BudgetWindowKind::kWorkflow) {
      fired = 0;
      for (const WorkflowSpend& workflow : track.workflows) {
        if (workflow.fired_at[i] != 0) fired = std::max(fired, workflow.fired_at[i]);
      }
    }
    status.thresholds.push_back(
        {budget.thresholds[i].percent, budget.thresholds[i].severity, fired != 0, fired});
  }
  return status;
}

std::vector<AlertNotification> budget_alerts(const BudgetEngine::Track& track, std::int64_t now_s) {
  const BudgetConfig& budget = track.config;
  std::vector<AlertNotification> alerts;
  const double limit = budget.limit;
  if (budget.window == BudgetWindowKind::kWorkflow) {
    const std::int64_t until = now_s + 3600;
    for (const WorkflowSpend& workflow : track.workflows) {
      for (std::size_t i = 0; i < budget.thresholds.size(); ++i) {
        if (workflow.fired_at[i] == 0) continue;
        const double spent = in_unit(workflow.amount, budget.unit);
        AlertNotification alert = make_alert(
            track, "BudgetWorkflowThreshold", percent_text(budget.thresholds[i].percent),
            budget.thresholds[i].severity, spent / limit, workflow.fired_at[i], until,
            budget.name + ": workflow " + workflow.id + " spent " +
                format_amount(spent, budget.unit) + " of " + format_amount(limit, budget.unit) +
                " (" + percent_text(spent / limit * 100.0) + " %)");
        alert.labels.emplace_back("workflow_id", workflow.id);
        std::sort(alert.labels.begin(), alert.labels.end());
        alerts.push_back(std::move(alert));
      }
    }
    return alerts;
  }
  if (budget.window == BudgetWindowKind::kRequest) {
    if (track.last_over_s != 0 && track.last_over_s >= track.period.start_s) {
      alerts.push_back(make_alert(
          track, "BudgetRequestCeiling", "100", "warning",
          static_cast<double>(track.over_limit_total), track.last_over_s, track.period.end_s,
          budget.name + ": a call used " +
              format_amount(in_unit(track.amount, budget.unit), budget.unit) +
              ", over the ceiling of " + format_amount(limit, budget.unit) + " per call"));
    }
    return alerts;
  }
  const double utilization = in_unit(track.current(now_s), budget.unit) / limit;
  // Calendar thresholds fire until the period ends (a resend never pages twice); a rolling one
  // while it is reached.
  const std::int64_t ends = track.calendar() ? track.period.end_s : now_s + 3600;
  const std::string sentence = spend_sentence(track, now_s);
  for (std::size_t i = 0; i < budget.thresholds.size(); ++i) {
    if (track.fired_at[i] == 0) continue;
    alerts.push_back(
        make_alert(track, "BudgetThreshold", percent_text(budget.thresholds[i].percent),
                   budget.thresholds[i].severity, utilization, track.fired_at[i], ends, sentence));
  }
  if (std::optional<double> forecast = track.forecast_units(now_s)) {
    const double spent = static_cast<double>(track.amount);
    const double limit_units = static_cast<double>(track.limit_units);
    if (*forecast > limit_units && spent < limit_units) {
      const double rate = (*forecast - spent) / static_cast<double>(track.period.end_s - now_s);
      const auto runs_out = now_s + static_cast<std::int64_t>((limit_units - spent) / rate);
      std::int64_t since = track.forecast_since != 0 ? track.forecast_since : now_s;
      alerts.push_back(make_alert(track, "BudgetForecast", "forecast", "critical",
                                  *forecast / limit_units, since, track.period.end_s,
                                  sentence + "; runs out at " + local_time(runs_out, track.zone)));
    }
  }
  return alerts;
}

}  // namespace specwatch
