// The generic webhook notifier's settings (README.md has the table and the payload).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "exporters/notifiers_common/notifier_common_config.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

struct WebhookConfig {
  static constexpr const char* kDefaultSignatureHeader = "X-Specwatch-Signature";

  NotifierCommonConfig common;
  RepeatSettings repeat;
  std::string url;
  std::string secret_file;  // empty: no signature
  std::string signature_header = kDefaultSignatureHeader;
};

const std::vector<std::string>& webhook_keys();

void read_webhook_config(const YAML::Node& entry, const std::string& key_path, WebhookConfig& out,
                         ConfigReader& in);

}  // namespace specwatch
