#include "exporters/slack/slack_delivery.h"

#include "exporters/notifiers_common/secret_file.h"
#include "exporters/slack/slack_message.h"

namespace specwatch {
SlackDelivery::SlackDelivery(std::string name, SlackConfig config, std::string state_dir)
    : config_(std::move(config)), ledger_(std::move(state_dir), "notifier-" + name) {}

std::string SlackDelivery::prepare(DeliveryContext&) {
  if (std::string error = ledger_.load_once(); !error.empty()) return error;
  std::string error;
  auto url = read_secret_file(config_.webhook_url_file, "webhook URL", error);
  if (url && !HttpUrl::parse(*url, error))
    error = "webhook URL in " + config_.webhook_url_file + " is invalid: " + error;
  return error;
}

void SlackDelivery::deliver(const std::vector<AlertNotification>& alerts,
                            DeliveryContext& context) {
  const auto now = context.now();
  std::vector<DueAlert> due = select_due(alerts, ledger_, now, config_.repeat.repeat_interval,
                                         config_.repeat.send_resolved);
  if (!due.empty()) {
    std::string error;
    auto text = read_secret_file(config_.webhook_url_file, "webhook URL", error);
    std::optional<HttpUrl> url;
    if (text) url = HttpUrl::parse(*text, error);
    if (!url) {
      context.report_failure("Slack messages not sent", error);
      return;
    }
    HttpPostRequest request;
    request.url = *url;
    for (const DueAlert& item : due) {
      request.body = slack_message(*item.alert);
      const bool firing = item.alert->status == AlertNotification::Status::kFiring;
      if (context.send(request, 1, "Slack message")) ledger_.record(item.fingerprint, firing, now);
    }
  }
  if (std::string error = ledger_.settle(now); !error.empty()) {
    context.report_failure("cannot persist the Slack ledger", error);
  }
}

}  // namespace specwatch
