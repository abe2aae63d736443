#include "exporters/webhook/webhook_config.h"

namespace specwatch {

const std::vector<std::string>& webhook_keys() {
  static const std::vector<std::string> keys =
      with_repeat_keys({"url", "secret_file", "signature_header"});
  return keys;
}

void read_webhook_config(const YAML::Node& entry, const std::string& key_path, WebhookConfig& out,
                         ConfigReader& in) {
  read_notifier_common_config(entry, key_path, "", out.common, in);
  read_repeat_settings(entry, key_path, out.repeat, in);
  read_url(entry, key_path, "url", true, out.url, in);
  read_secret_path(entry, key_path, "secret_file", false, out.secret_file, in);
  if (const YAML::Node n = entry["signature_header"]; n.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "signature_header");
    if (auto text = in.read_non_empty_string(n, key)) {
      const bool token = text->find_first_not_of(
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
                         std::string::npos;
      if (token) {
        out.signature_header = *text;
      } else {
        in.errors().add(n, key, "must be a header name (letters, digits, - and _)");
      }
    }
  }
}

}  // namespace specwatch
