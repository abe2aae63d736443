// Builds a Slack notifier from its settings (a `notifiers:` entry of type slack).
#pragma once

#include <memory>
#include <string>

#include "exporters/notifiers_common/queued_notifier.h"
#include "exporters/slack/slack_config.h"

namespace specwatch {

std::unique_ptr<QueuedNotifier> make_slack_notifier(const std::string& name,
                                                    const SlackConfig& config,
                                                    const NotifierServices& services);

}  // namespace specwatch
