// One entry of the top-level `notifiers:` list: its type and name, and that type's settings.
// docs/NOTIFIERS.md and docs/CONFIGURATION.md list the keys.
#pragma once

#include <string>
#include <variant>

#include "exporters/alertmanager/alertmanager_config.h"
#include "exporters/pagerduty/pagerduty_config.h"
#include "exporters/slack/slack_config.h"
#include "exporters/webhook/webhook_config.h"

namespace specwatch {

struct NotifierConfig {
  std::string name;  // unique among notifiers; the `notifier` label, `notifier/<name>` in /ready
  std::variant<AlertmanagerConfig, PagerDutyConfig, SlackConfig, WebhookConfig> settings;
  int line = 0;  // where the entry was written
};

}  // namespace specwatch
