// Delivery to Alertmanager's API v2 (POST <url>/api/v2/alerts), as Prometheus does it: a new or
// changed alert at once, every alert again once resend_interval has passed since it was last
// sent (Alertmanager forgets an alert whose endsAt passed), resolved alerts with their endsAt.
// Alertmanager deduplicates and groups by labels, so nothing needs to survive a restart here.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "exporters/alertmanager/alertmanager_config.h"
#include "exporters/notifiers_common/queued_notifier.h"

namespace specwatch {

class AlertmanagerDelivery final : public NotificationDelivery {
 public:
  explicit AlertmanagerDelivery(AlertmanagerConfig config);

  std::string prepare(DeliveryContext& context) override;
  void deliver(const std::vector<AlertNotification>& alerts, DeliveryContext& context) override;

  // The request body for `alerts` (the API's postableAlerts array).
  static std::string payload(const std::vector<const AlertNotification*>& alerts);

 private:
  struct Sent {
    AlertNotification::Status status;
    std::chrono::system_clock::time_point at;
  };
  // The Authorization header from the credential files; false with `error` when unreadable.
  bool authorization(std::string& header, std::string& error) const;

  AlertmanagerConfig config_;
  std::vector<HttpUrl> endpoints_;
  std::map<std::string, Sent> sent_;  // by fingerprint
};

}  // namespace specwatch
