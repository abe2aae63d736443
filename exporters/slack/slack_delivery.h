// Delivery to a Slack incoming webhook: a message when an alert starts firing, again every
// repeat_interval while it fires, and when it resolves (send_resolved). What was sent is kept in
// state_dir (DeliveryLedger), so a restart does not post the same message again. Slack answers
// 429 with Retry-After when the webhook is rate limited; the retry waits that long.
#pragma once

#include <string>
#include <vector>

#include "exporters/notifiers_common/delivery_ledger.h"
#include "exporters/notifiers_common/queued_notifier.h"
#include "exporters/slack/slack_config.h"

namespace specwatch {

class SlackDelivery final : public NotificationDelivery {
 public:
  SlackDelivery(std::string name, SlackConfig config, std::string state_dir);

  std::string prepare(DeliveryContext& context) override;
  void deliver(const std::vector<AlertNotification>& alerts, DeliveryContext& context) override;

 private:
  SlackConfig config_;
  DeliveryLedger ledger_;
};

}  // namespace specwatch
