#include "exporters/webhook/webhook_delivery.h"

#include "exporters/notifiers_common/secret_file.h"
#include "exporters/webhook/webhook_payload.h"

namespace specwatch {
WebhookDelivery::WebhookDelivery(std::string name, WebhookConfig config, std::string state_dir)
    : name_(name), config_(std::move(config)), ledger_(std::move(state_dir), "notifier-" + name) {
  std::string error;
  if (auto url = HttpUrl::parse(config_.url, error)) endpoint_ = *url;  // checked at load
}

std::string WebhookDelivery::prepare(DeliveryContext&) {
  if (std::string error = ledger_.load_once(); !error.empty()) return error;
  if (config_.secret_file.empty()) return "";
  std::string error;
  return read_secret_file(config_.secret_file, "webhook secret", error) ? "" : error;
}

void WebhookDelivery::deliver(const std::vector<AlertNotification>& alerts,
                              DeliveryContext& context) {
  const auto now = context.now();
  std::vector<DueAlert> due = select_due(alerts, ledger_, now, config_.repeat.repeat_interval,
                                         config_.repeat.send_resolved);
  if (!due.empty()) {
    HttpPostRequest request;
    request.url = endpoint_;
    request.body = webhook_payload(name_, due, now);
    if (!config_.secret_file.empty()) {
      std::string error;
      auto secret = read_secret_file(config_.secret_file, "webhook secret", error);
      if (!secret) {
        context.report_failure("webhook not sent", error);
        return;
      }
      request.headers.emplace_back(config_.signature_header,
                                   webhook_signature(*secret, request.body));
    }
    if (context.send(request, due.size(), "webhook")) {
      for (const DueAlert& item : due) {
        ledger_.record(item.fingerprint, item.alert->status == AlertNotification::Status::kFiring,
                       now);
      }
    }
  }
  if (std::string error = ledger_.settle(now); !error.empty()) {
    context.report_failure("cannot persist the webhook ledger", error);
  }
}

}  // namespace specwatch
