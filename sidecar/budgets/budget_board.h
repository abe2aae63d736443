// What the daemon shows of the budgets, across reloads: the runtime's BudgetConsumer attaches
// itself here while it runs. The board serves the budget metrics (a Collectable beside the
// registry), the status of /api/v1/budgets and the status page, and is the AlertReceiver the
// budgets notify: it keeps the latest alerts for the status page and hands them on to the
// notifiers (`downstream`, a no-op receiver until notifiers exist).
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <functional>
#include <mutex>
#include <vector>

#include "sidecar/budgets/budget_status.h"
#include "sidecar/core/alert_notification.h"

namespace specwatch {

class BudgetBoard : public prometheus::Collectable, public AlertReceiver {
 public:
  using StatusSource = std::function<std::vector<BudgetStatus>()>;

  explicit BudgetBoard(AlertReceiver* downstream = nullptr) : downstream_(downstream) {}

  void attach(StatusSource source);
  void detach();
  void set_downstream(AlertReceiver* downstream);

  std::vector<BudgetStatus> status() const;
  // The budget alerts of the last evaluation (firing and recently resolved).
  std::vector<AlertNotification> alerts() const;

  void notify(std::span<const AlertNotification> alerts) override;
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  mutable std::mutex mutex_;
  StatusSource source_;
  AlertReceiver* downstream_;
  std::vector<AlertNotification> alerts_;
};

}  // namespace specwatch
