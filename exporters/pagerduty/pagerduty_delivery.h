// Delivery to PagerDuty's Events API v2: one trigger per alert instance (dedup_key
// "specwatch-<fingerprint>", the same on every trigger and on the resolve), one resolve when it
// resolves. Which instances were triggered is kept in state_dir (DeliveryLedger), so a restart
// neither triggers again nor forgets a resolve. A trigger accepted by PagerDuty just before a
// crash, before the ledger was written, is sent again after the restart with the same dedup_key,
// which PagerDuty folds into the open incident.
#pragma once

#include <string>
#include <vector>

#include "exporters/notifiers_common/delivery_ledger.h"
#include "exporters/notifiers_common/queued_notifier.h"
#include "exporters/pagerduty/pagerduty_config.h"

namespace specwatch {

class PagerDutyDelivery final : public NotificationDelivery {
 public:
  static constexpr std::size_t kMaxSummaryBytes = 1024;

  PagerDutyDelivery(std::string name, PagerDutyConfig config, std::string state_dir);

  std::string prepare(DeliveryContext& context) override;
  void deliver(const std::vector<AlertNotification>& alerts, DeliveryContext& context) override;

  static std::string dedup_key(const std::string& fingerprint);
  // The event for one alert (trigger when firing, resolve when resolved).
  std::string event(const AlertNotification& alert, const std::string& fingerprint,
                    const std::string& routing_key) const;

 private:
  PagerDutyConfig config_;
  HttpUrl endpoint_;
  std::string host_name_;
  DeliveryLedger ledger_;
};

}  // namespace specwatch
