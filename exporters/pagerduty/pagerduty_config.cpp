#include "exporters/pagerduty/pagerduty_config.h"

namespace specwatch {

const std::vector<std::string>& pagerduty_keys() {
  static const std::vector<std::string> keys = {"routing_key_file", "url",         "source",
                                                "component_label",  "group_label", "severity_map"};
  return keys;
}

namespace {

void read_text(const YAML::Node& entry, const std::string& key_path, const char* name,
               std::string& out, ConfigReader& in) {
  if (const YAML::Node n = entry[name]; n.IsDefined()) {
    if (auto text = in.read_non_empty_string(n, ConfigReader::join(key_path, name))) out = *text;
  }
}

void read_severity_map(const YAML::Node& node, const std::string& key, PagerDutyConfig& out,
                       ConfigReader& in) {
  if (!in.expect_map(node, key)) return;
  for (const auto& item : node) {
    const std::string label = item.first.as<std::string>();
    auto value = in.read_enum<std::string>(
        item.second, ConfigReader::join(key, label),
        {{"critical", "critical"}, {"error", "error"}, {"warning", "warning"}, {"info", "info"}});
    if (value) out.severity_map[label] = *value;
  }
}

}  // namespace

void read_pagerduty_config(const YAML::Node& entry, const std::string& key_path,
                           PagerDutyConfig& out, ConfigReader& in) {
  read_notifier_common_config(entry, key_path, "severity=\"critical\"", out.common, in);
  read_secret_path(entry, key_path, "routing_key_file", true, out.routing_key_file, in);
  read_url(entry, key_path, "url", false, out.url, in);
  read_text(entry, key_path, "source", out.source, in);
  read_text(entry, key_path, "component_label", out.component_label, in);
  read_text(entry, key_path, "group_label", out.group_label, in);
  if (const YAML::Node n = entry["severity_map"]; n.IsDefined()) {
    read_severity_map(n, ConfigReader::join(key_path, "severity_map"), out, in);
  }
}

}  // namespace specwatch
