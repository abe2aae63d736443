#include "sidecar/budgets/budget_board.h"

#include <cmath>

namespace specwatch {
namespace {

prometheus::MetricFamily family(const char* name, const char* help, prometheus::MetricType type) {
  prometheus::MetricFamily result;
  result.name = name;
  result.help = help;
  result.type = type;
  return result;
}

void add_gauge(prometheus::MetricFamily& to, std::vector<prometheus::ClientMetric::Label> labels,
               double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  if (to.type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  to.metric.push_back(std::move(metric));
}

}  // namespace

void BudgetBoard::attach(StatusSource source) {
  std::lock_guard lock(mutex_);
  source_ = std::move(source);
}

void BudgetBoard::detach() {
  std::lock_guard lock(mutex_);
  source_ = nullptr;
}

void BudgetBoard::set_downstream(AlertReceiver* downstream) {
  std::lock_guard lock(mutex_);
  downstream_ = downstream;
}

std::vector<BudgetStatus> BudgetBoard::status() const {
  std::lock_guard lock(mutex_);
  return source_ ? source_() : std::vector<BudgetStatus>{};
}

std::vector<AlertNotification> BudgetBoard::alerts() const {
  std::lock_guard lock(mutex_);
  return alerts_;
}

void BudgetBoard::notify(std::span<const AlertNotification> alerts) {
  std::lock_guard lock(mutex_);
  alerts_.assign(alerts.begin(), alerts.end());
  if (downstream_ != nullptr) downstream_->notify(alerts);
}

std::vector<prometheus::MetricFamily> BudgetBoard::Collect() const {
  using prometheus::MetricType;
  auto spent =
      family("specwatch_budget_spent", "Spend of each budget in its current period, in its unit.",
             MetricType::Gauge);
  auto limit =
      family("specwatch_budget_limit", "Limit of each budget, in its unit.", MetricType::Gauge);
  auto utilization = family("specwatch_budget_utilization_ratio",
                            "Spend divided by the limit of each budget.", MetricType::Gauge);
  auto forecast = family("specwatch_budget_forecast_ratio",
                         "Forecast spend at the period's end divided by the limit (calendar "
                         "windows, once the minimum share of the period has passed).",
                         MetricType::Gauge);
  auto period_end =
      family("specwatch_budget_period_end_timestamp_seconds",
             "When the current period of each budget ends (unix seconds).", MetricType::Gauge);
  auto over_limit = family("specwatch_budget_workflows_over_limit_total",
                           "Workflows (per-workflow budgets) or calls (per-request ceilings) that "
                           "went over the limit.",
                           MetricType::Counter);
  for (const BudgetStatus& budget : status()) {
    add_gauge(spent, {{"budget", budget.name}, {"unit", budget.unit}}, budget.spent);
    add_gauge(limit, {{"budget", budget.name}, {"unit", budget.unit}}, budget.limit);
    add_gauge(utilization, {{"budget", budget.name}}, budget.utilization);
    if (auto ratio = budget.forecast_ratio())
      add_gauge(forecast, {{"budget", budget.name}}, *ratio);
    if (budget.period_end_s != 0) {
      add_gauge(period_end, {{"budget", budget.name}}, static_cast<double>(budget.period_end_s));
    }
    if (budget.window == "workflow" || budget.window == "request") {
      add_gauge(over_limit, {{"budget", budget.name}},
                static_cast<double>(budget.over_limit_total));
    }
  }
  return {spent, limit, utilization, forecast, period_end, over_limit};
}

}  // namespace specwatch
