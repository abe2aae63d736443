#include "exporters/alertmanager/alertmanager_config.h"

#include "exporters/notifiers_common/http_post.h"

namespace specwatch {

const std::vector<std::string>& alertmanager_keys() {
  static const std::vector<std::string> keys = {"urls", "resend_interval", "basic_auth",
                                                "bearer_token_file"};
  return keys;
}

namespace {

void read_urls(const YAML::Node& entry, const std::string& key_path, AlertmanagerConfig& out,
               ConfigReader& in) {
  const YAML::Node node = in.require(entry, key_path, "urls");
  if (!node.IsDefined()) return;
  const std::string key = ConfigReader::join(key_path, "urls");
  auto urls = in.read_string_list(node, key);
  if (!urls) return;
  if (urls->empty()) {
    in.errors().add(node, key, "must name at least one Alertmanager");
    return;
  }
  for (std::size_t i = 0; i < urls->size(); ++i) {
    std::string error;
    if (HttpUrl::parse((*urls)[i], error)) {
      out.urls.push_back((*urls)[i]);
    } else {
      in.errors().add(node[i], ConfigReader::index(key, i), "invalid URL: " + error);
    }
  }
}

void read_basic_auth(const YAML::Node& node, const std::string& key, AlertmanagerConfig& out,
                     ConfigReader& in) {
  if (!in.expect_map(node, key)) return;
  in.check_unknown_keys(node, key, {"username", "password_file"});
  if (const YAML::Node user = in.require(node, key, "username"); user.IsDefined()) {
    if (auto text = in.read_non_empty_string(user, ConfigReader::join(key, "username"))) {
      out.basic_auth_username = *text;
    }
  }
  read_secret_path(node, key, "password_file", true, out.basic_auth_password_file, in);
}

}  // namespace

void read_alertmanager_config(const YAML::Node& entry, const std::string& key_path,
                              AlertmanagerConfig& out, ConfigReader& in) {
  // Alertmanager routes by itself: every alert goes to it unless `match:` says otherwise.
  read_notifier_common_config(entry, key_path, "", out.common, in);
  read_urls(entry, key_path, out, in);
  if (const YAML::Node n = entry["resend_interval"]; n.IsDefined()) {
    if (auto v = read_duration(n, ConfigReader::join(key_path, "resend_interval"),
                               std::chrono::milliseconds(100), in)) {
      out.resend_interval = *v;
    }
  }
  if (const YAML::Node n = entry["basic_auth"]; n.IsDefined()) {
    read_basic_auth(n, ConfigReader::join(key_path, "basic_auth"), out, in);
  }
  read_secret_path(entry, key_path, "bearer_token_file", false, out.bearer_token_file, in);
  if (!out.bearer_token_file.empty() && !out.basic_auth_password_file.empty()) {
    in.errors().add(entry["bearer_token_file"], ConfigReader::join(key_path, "bearer_token_file"),
                    "cannot be combined with basic_auth");
  }
}

}  // namespace specwatch
