// The Slack notifier's settings (README.md has the table): the incoming webhook URL's file and
// when messages are repeated.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "exporters/notifiers_common/notifier_common_config.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

struct SlackConfig {
  NotifierCommonConfig common;
  RepeatSettings repeat;
  std::string webhook_url_file;  // holds https://hooks.slack.com/services/...: a secret
};

const std::vector<std::string>& slack_keys();

void read_slack_config(const YAML::Node& entry, const std::string& key_path, SlackConfig& out,
                       ConfigReader& in);

}  // namespace specwatch
