// The PagerDuty notifier's settings (README.md has the table): the Events API v2 endpoint, the
// routing (integration) key's file, and how alerts map onto PagerDuty's event fields.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "exporters/notifiers_common/notifier_common_config.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

struct PagerDutyConfig {
  static constexpr const char* kDefaultUrl = "https://events.pagerduty.com/v2/enqueue";

  NotifierCommonConfig common;
  std::string routing_key_file;
  std::string url = kDefaultUrl;
  std::string source;  // empty: the alert's `instance` label, else the host name
  std::string component_label = "service";
  std::string group_label = "job";
  // The alert's `severity` label → PagerDuty's severity; anything else maps to "error".
  std::map<std::string, std::string> severity_map = {
      {"critical", "critical"}, {"error", "error"}, {"warning", "warning"}, {"info", "info"}};
};

const std::vector<std::string>& pagerduty_keys();

void read_pagerduty_config(const YAML::Node& entry, const std::string& key_path,
                           PagerDutyConfig& out, ConfigReader& in);

}  // namespace specwatch
