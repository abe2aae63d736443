// Builds a PagerDuty notifier from its settings (a `notifiers:` entry of type pagerduty).
#pragma once

#include <memory>
#include <string>

#include "exporters/notifiers_common/queued_notifier.h"
#include "exporters/pagerduty/pagerduty_config.h"

namespace specwatch {

std::unique_ptr<QueuedNotifier> make_pagerduty_notifier(const std::string& name,
                                                        const PagerDutyConfig& config,
                                                        const NotifierServices& services);

}  // namespace specwatch
