#include "exporters/pagerduty/pagerduty_delivery.h"

#include <unistd.h>

#include <chrono>

#include "exporters/notifiers_common/alert_identity.h"
#include "exporters/notifiers_common/alert_json.h"
#include "exporters/notifiers_common/secret_file.h"

namespace specwatch {
namespace {

std::string local_host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "specwatch";
  return name;
}

// At most `max` bytes, cut before a UTF-8 continuation byte.
std::string truncate_utf8(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string summary_of(const AlertNotification& alert) {
  std::string summary = alert.annotation("summary");
  if (summary.empty()) {
    summary = alert.label("alertname");
    for (const auto& [name, value] : alert.labels) {
      if (name != "alertname") summary += " " + name + "=" + value;
    }
  }
  return truncate_utf8(summary, PagerDutyDelivery::kMaxSummaryBytes);
}

}  // namespace

PagerDutyDelivery::PagerDutyDelivery(std::string name, PagerDutyConfig config,
                                     std::string state_dir)
    : config_(std::move(config)),
      host_name_(local_host_name()),
      ledger_(std::move(state_dir), "notifier-" + name) {
  std::string error;
  if (auto url = HttpUrl::parse(config_.url, error)) endpoint_ = *url;  // checked at load
}

std::string PagerDutyDelivery::dedup_key(const std::string& fingerprint) {
  return "specwatch-" + fingerprint;
}

std::string PagerDutyDelivery::prepare(DeliveryContext&) {
  if (std::string error = ledger_.load_once(); !error.empty()) return error;
  std::string error;
  return read_secret_file(config_.routing_key_file, "routing key", error) ? "" : error;
}

std::string PagerDutyDelivery::event(const AlertNotification& alert, const std::string& fingerprint,
                                     const std::string& routing_key) const {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  write_string(writer, "routing_key", routing_key);
  const bool firing = alert.status == AlertNotification::Status::kFiring;
  write_string(writer, "event_action", firing ? "trigger" : "resolve");
  write_string(writer, "dedup_key", dedup_key(fingerprint));
  if (firing) {
    writer.Key("payload");
    writer.StartObject();
    write_string(writer, "summary", summary_of(alert));
    std::string source = config_.source;
    if (source.empty()) source = label_or(alert, "instance", host_name_);
    write_string(writer, "source", source);
    auto severity = config_.severity_map.find(alert.label("severity"));
    write_string(writer, "severity",
                 severity == config_.severity_map.end() ? "error" : severity->second);
    write_string(writer, "timestamp", format_rfc3339(alert.starts_at));
    if (const std::string& component = alert.label(config_.component_label); !component.empty()) {
      write_string(writer, "component", component);
    }
    if (const std::string& group = alert.label(config_.group_label); !group.empty()) {
      write_string(writer, "group", group);
    }
    write_string(writer, "class", alert.label("alertname"));
    writer.Key("custom_details");
    writer.StartObject();
    writer.Key("value");
    writer.Double(alert.value);
    writer.Key("labels");
    write_label_object(writer, alert.labels);
    writer.Key("annotations");
    write_label_object(writer, alert.annotations);
    writer.EndObject();
    writer.EndObject();
    if (const std::string& runbook = alert.annotation("runbook_url"); !runbook.empty()) {
      writer.Key("links");
      writer.StartArray();
      writer.StartObject();
      write_string(writer, "href", runbook);
      write_string(writer, "text", "Runbook");
      writer.EndObject();
      writer.EndArray();
    }
    write_string(writer, "client", "specwatch");
    if (!alert.generator_url.empty()) write_string(writer, "client_url", alert.generator_url);
  }
  writer.EndObject();
  return buffer.GetString();
}

void PagerDutyDelivery::deliver(const std::vector<AlertNotification>& alerts,
                                DeliveryContext& context) {
  const auto now = context.now();
  std::vector<DueAlert> due = select_due(alerts, ledger_, now, std::nullopt, true);
  if (!due.empty()) {
    std::string error;
    auto routing_key = read_secret_file(config_.routing_key_file, "routing key", error);
    if (!routing_key) {
      context.report_failure("PagerDuty events not sent", error);
      return;
    }
    HttpPostRequest request;
    request.url = endpoint_;
    for (const DueAlert& item : due) {
      const bool firing = item.alert->status == AlertNotification::Status::kFiring;
      request.body = event(*item.alert, item.fingerprint, *routing_key);
      if (context.send(request, 1, firing ? "PagerDuty trigger" : "PagerDuty resolve")) {
        ledger_.record(item.fingerprint, firing, now);
        // Written after each event, so that a crash right after cannot page again.
        if (std::string save_error = ledger_.save(); !save_error.empty()) {
          context.report_failure("cannot persist the PagerDuty ledger", save_error);
        }
      }
    }
  }
  if (std::string error = ledger_.settle(now); !error.empty()) {
    context.report_failure("cannot persist the PagerDuty ledger", error);
  }
}

}  // namespace specwatch
