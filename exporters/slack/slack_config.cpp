#include "exporters/slack/slack_config.h"

namespace specwatch {

const std::vector<std::string>& slack_keys() {
  static const std::vector<std::string> keys = with_repeat_keys({"webhook_url_file"});
  return keys;
}

void read_slack_config(const YAML::Node& entry, const std::string& key_path, SlackConfig& out,
                       ConfigReader& in) {
  read_notifier_common_config(entry, key_path, "severity=\"warning\"", out.common, in);
  read_repeat_settings(entry, key_path, out.repeat, in);
  read_secret_path(entry, key_path, "webhook_url_file", true, out.webhook_url_file, in);
}

}  // namespace specwatch
