#include "exporters/slack/slack_factory.h"

#include "exporters/slack/slack_delivery.h"

namespace specwatch {

std::unique_ptr<QueuedNotifier> make_slack_notifier(const std::string& name,
                                                    const SlackConfig& config,
                                                    const NotifierServices& services) {
  return std::make_unique<QueuedNotifier>(
      name, "slack", config.common,
      std::make_unique<SlackDelivery>(name, config, services.state_dir), services);
}

}  // namespace specwatch
