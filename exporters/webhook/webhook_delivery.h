// Delivery to a generic webhook: one POST per batch of due alerts (new, repeated every
// repeat_interval, resolved), signed when a secret is configured. What was sent is kept in
// state_dir (DeliveryLedger).
#pragma once

#include <string>
#include <vector>

#include "exporters/notifiers_common/delivery_ledger.h"
#include "exporters/notifiers_common/queued_notifier.h"
#include "exporters/webhook/webhook_config.h"

namespace specwatch {

class WebhookDelivery final : public NotificationDelivery {
 public:
  WebhookDelivery(std::string name, WebhookConfig config, std::string state_dir);

  std::string prepare(DeliveryContext& context) override;
  void deliver(const std::vector<AlertNotification>& alerts, DeliveryContext& context) override;

 private:
  std::string name_;
  WebhookConfig config_;
  HttpUrl endpoint_;
  DeliveryLedger ledger_;
};

}  // namespace specwatch
