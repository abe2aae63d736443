#include "exporters/webhook/webhook_factory.h"

#include "exporters/webhook/webhook_delivery.h"

namespace specwatch {

std::unique_ptr<QueuedNotifier> make_webhook_notifier(const std::string& name,
                                                      const WebhookConfig& config,
                                                      const NotifierServices& services) {
  return std::make_unique<QueuedNotifier>(
      name, "webhook", config.common,
      std::make_unique<WebhookDelivery>(name, config, services.state_dir), services);
}

}  // namespace specwatch
