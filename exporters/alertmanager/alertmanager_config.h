// The Alertmanager notifier's settings (README.md has the table): where to POST
// /api/v2/alerts, how often firing alerts are re-sent, and the credentials (from files).
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <string>
#include <vector>

#include "exporters/notifiers_common/notifier_common_config.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

struct AlertmanagerConfig {
  NotifierCommonConfig common;
  std::vector<std::string> urls;  // base URLs, e.g. http://alertmanager:9093
  std::chrono::milliseconds resend_interval{60'000};
  std::string basic_auth_username;
  std::string basic_auth_password_file;
  std::string bearer_token_file;
};

const std::vector<std::string>& alertmanager_keys();

void read_alertmanager_config(const YAML::Node& entry, const std::string& key_path,
                              AlertmanagerConfig& out, ConfigReader& in);

}  // namespace specwatch
