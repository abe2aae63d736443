// Builds an Alertmanager notifier from its settings (a `notifiers:` entry of type alertmanager).
#pragma once

#include <memory>
#include <string>

#include "exporters/alertmanager/alertmanager_config.h"
#include "exporters/notifiers_common/queued_notifier.h"

namespace specwatch {

std::unique_ptr<QueuedNotifier> make_alertmanager_notifier(const std::string& name,
                                                           const AlertmanagerConfig& config,
                                                           const NotifierServices& services);

}  // namespace specwatch
