// The daemon's fan-out to every configured notifier: alert producers (the rule evaluator, the
// budgets) hand alerts to this one receiver, which lives as long as the daemon; the notifiers
// behind it are replaced on reload. notify() never blocks on the network (each notifier queues).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "sidecar/core/alert_notification.h"

namespace specwatch {

class NotifierSet final : public AlertReceiver {
 public:
  void notify(std::span<const AlertNotification> alerts) override;

  // Stops the current notifiers (draining within `drain_timeout_ms`), then starts `next`.
  void replace(std::vector<std::unique_ptr<AlertNotifier>> next, int drain_timeout_ms);
  void stop(int drain_timeout_ms);
  std::size_t size() const;
  // ("notifier/<name>", reason) for each notifier that is not ready.
  std::vector<std::pair<std::string, std::string>> not_ready() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<AlertNotifier>> notifiers_;
};

}  // namespace specwatch
