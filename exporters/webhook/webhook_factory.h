// Builds a webhook notifier from its settings (a `notifiers:` entry of type webhook).
#pragma once

#include <memory>
#include <string>

#include "exporters/notifiers_common/queued_notifier.h"
#include "exporters/webhook/webhook_config.h"

namespace specwatch {

std::unique_ptr<QueuedNotifier> make_webhook_notifier(const std::string& name,
                                                      const WebhookConfig& config,
                                                      const NotifierServices& services);

}  // namespace specwatch
