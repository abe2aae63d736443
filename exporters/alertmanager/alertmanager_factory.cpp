#include "exporters/alertmanager/alertmanager_factory.h"

#include "exporters/alertmanager/alertmanager_delivery.h"

namespace specwatch {

std::unique_ptr<QueuedNotifier> make_alertmanager_notifier(const std::string& name,
                                                           const AlertmanagerConfig& config,
                                                           const NotifierServices& services) {
  return std::make_unique<QueuedNotifier>(name, "alertmanager", config.common,
                                          std::make_unique<AlertmanagerDelivery>(config), services);
}

}  // namespace specwatch
