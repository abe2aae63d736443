#include "exporters/webhook/webhook_config.h"

#include "exporters/notifiers_common/http_post.h"

namespace specwatch {

const std::vector<std::string>& webhook_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> all = {"url", "secret_file", "signature_header"};
    all.insert(all.end(), repeat_keys().begin(), repeat_keys().end());
    return all;
  }();
  return keys;
}

void read_webhook_config(const YAML::Node& entry, const std::string& key_path, WebhookConfig& out,
                         ConfigReader& in) {
  read_notifier_common_config(entry, key_path, "", out.common, in);
  read_repeat_settings(entry, key_path, out.repeat, in);
  if (const YAML::Node n = in.require(entry, key_path, "url"); n.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "url");
    if (auto text = in.read_non_empty_string(n, key)) {
      std::string error;
      if (HttpUrl::parse(*text, error)) {
        out.url = *text;
      } else {
        in.errors().add(n, key, "invalid URL: " + error);
      }
    }
  }
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
