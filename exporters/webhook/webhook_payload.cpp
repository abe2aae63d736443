#include "exporters/webhook/webhook_payload.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "exporters/notifiers_common/alert_identity.h"
#include "exporters/notifiers_common/alert_json.h"

namespace specwatch {

std::string webhook_payload(const std::string& notifier, const std::vector<DueAlert>& alerts,
                            std::chrono::system_clock::time_point sent_at) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("version");
  writer.Int(kWebhookPayloadVersion);
  write_string(writer, "notifier", notifier);
  write_string(writer, "sent_at", format_rfc3339(sent_at));
  writer.Key("alerts");
  writer.StartArray();
  for (const DueAlert& item : alerts) {
    const AlertNotification& alert = *item.alert;
    writer.StartObject();
    write_string(writer, "status",
                 alert.status == AlertNotification::Status::kFiring ? "firing" : "resolved");
    write_string(writer, "fingerprint", item.fingerprint);
    writer.Key("labels");
    write_label_object(writer, alert.labels);
    writer.Key("annotations");
    write_label_object(writer, alert.annotations);
    writer.Key("value");
    writer.Double(alert.value);
    write_string(writer, "starts_at", format_rfc3339(alert.starts_at));
    write_string(writer, "ends_at", format_rfc3339(alert.ends_at));
    write_string(writer, "generator_url", alert.generator_url);
    write_string(writer, "origin", alert.origin);
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return buffer.GetString();
}

std::string webhook_signature(const std::string& secret, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

}  // namespace specwatch
