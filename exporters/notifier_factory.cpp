#include "exporters/notifier_factory.h"

#include "exporters/alertmanager/alertmanager_factory.h"
#include "exporters/pagerduty/pagerduty_factory.h"
#include "exporters/slack/slack_factory.h"
#include "exporters/webhook/webhook_factory.h"

namespace specwatch {

std::vector<std::unique_ptr<AlertNotifier>> make_notifiers(
    const std::vector<NotifierConfig>& notifiers, const NotifierServices& services) {
  std::vector<std::unique_ptr<AlertNotifier>> out;
  out.reserve(notifiers.size());
  for (const NotifierConfig& notifier : notifiers) {
    std::visit(
        [&](const auto& settings) {
          using T = std::decay_t<decltype(settings)>;
          if constexpr (std::is_same_v<T, AlertmanagerConfig>) {
            out.push_back(make_alertmanager_notifier(notifier.name, settings, services));
          } else if constexpr (std::is_same_v<T, PagerDutyConfig>) {
            out.push_back(make_pagerduty_notifier(notifier.name, settings, services));
          } else if constexpr (std::is_same_v<T, SlackConfig>) {
            out.push_back(make_slack_notifier(notifier.name, settings, services));
          } else {
            out.push_back(make_webhook_notifier(notifier.name, settings, services));
          }
        },
        notifier.settings);
  }
  return out;
}

}  // namespace specwatch
