#include "exporters/alertmanager/alertmanager_delivery.h"

#include <openssl/evp.h>

#include "exporters/notifiers_common/alert_identity.h"
#include "exporters/notifiers_common/alert_json.h"
#include "exporters/notifiers_common/secret_file.h"

namespace specwatch {
namespace {

constexpr std::chrono::hours kForgetAfter{1};

std::string base64(const std::string& text) {
  std::string out(4 * ((text.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

AlertmanagerDelivery::AlertmanagerDelivery(AlertmanagerConfig config) : config_(std::move(config)) {
  for (const std::string& url : config_.urls) {
    std::string error;
    if (auto parsed = HttpUrl::parse(url, error)) {  // checked when the config was read
      std::string& target = parsed->target;
      while (!target.empty() && target.back() == '/') target.pop_back();
      target += "/api/v2/alerts";
      endpoints_.push_back(std::move(*parsed));
    }
  }
}

bool AlertmanagerDelivery::authorization(std::string& header, std::string& error) const {
  if (!config_.bearer_token_file.empty()) {
    auto token = read_secret_file(config_.bearer_token_file, "bearer token", error);
    if (!token) return false;
    header = "Bearer " + *token;
  } else if (!config_.basic_auth_password_file.empty()) {
    auto password = read_secret_file(config_.basic_auth_password_file, "password", error);
    if (!password) return false;
    header = "Basic " + base64(config_.basic_auth_username + ":" + *password);
  }
  return true;
}

std::string AlertmanagerDelivery::prepare(DeliveryContext&) {
  std::string header, error;
  return authorization(header, error) ? "" : error;
}

std::string AlertmanagerDelivery::payload(const std::vector<const AlertNotification*>& alerts) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartArray();
  for (const AlertNotification* alert : alerts) {
    writer.StartObject();
    writer.Key("labels");
    write_label_object(writer, alert->labels);
    writer.Key("annotations");
    write_label_object(writer, alert->annotations);
    write_string(writer, "startsAt", format_rfc3339(alert->starts_at));
    write_string(writer, "endsAt", format_rfc3339(alert->ends_at));
    write_string(writer, "generatorURL", alert->generator_url);
    writer.EndObject();
  }
  writer.EndArray();
  return buffer.GetString();
}

void AlertmanagerDelivery::deliver(const std::vector<AlertNotification>& alerts,
                                   DeliveryContext& context) {
  const auto now = context.now();
  std::vector<const AlertNotification*> due;
  std::vector<std::string> fingerprints;
  for (const AlertNotification& alert : alerts) {
    std::string fingerprint = alert_fingerprint(alert.labels);
    auto it = sent_.find(fingerprint);
    const bool changed = it == sent_.end() || it->second.status != alert.status;
    if (changed || now - it->second.at >= config_.resend_interval) {
      due.push_back(&alert);
      fingerprints.push_back(std::move(fingerprint));
    }
  }
  for (auto it = sent_.begin(); it != sent_.end();) {
    it = now - it->second.at > kForgetAfter ? sent_.erase(it) : std::next(it);
  }
  if (due.empty()) return;
  HttpPostRequest request;
  request.body = payload(due);
  std::string header, error;
  if (!authorization(header, error)) {
    context.report_failure("alerts not sent to Alertmanager", error);
    return;
  }
  if (!header.empty()) request.headers.emplace_back("Authorization", header);
  bool accepted = false;
  for (const HttpUrl& endpoint : endpoints_) {
    request.url = endpoint;
    accepted = context.send(request, due.size(), "alerts") || accepted;
  }
  // Not marked as sent unless one Alertmanager took them: the next evaluation tries again.
  if (!accepted) return;
  for (std::size_t i = 0; i < due.size(); ++i) sent_[fingerprints[i]] = Sent{due[i]->status, now};
}

}  // namespace specwatch
