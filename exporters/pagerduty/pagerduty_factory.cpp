#include "exporters/pagerduty/pagerduty_factory.h"

#include "exporters/pagerduty/pagerduty_delivery.h"

namespace specwatch {

std::unique_ptr<QueuedNotifier> make_pagerduty_notifier(const std::string& name,
                                                        const PagerDutyConfig& config,
                                                        const NotifierServices& services) {
  return std::make_unique<QueuedNotifier>(
      name, "pagerduty", config.common,
      std::make_unique<PagerDutyDelivery>(name, config, services.state_dir), services);
}

}  // namespace specwatch
