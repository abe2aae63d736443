#include "exporters/notifiers_section.h"

#include <map>

#include "sidecar/config/component_name.h"
#include "sidecar/config/config_sections.h"

namespace specwatch {
namespace {

enum class Type { kAlertmanager, kPagerDuty, kSlack, kWebhook };

std::vector<std::string> keys_with(const std::vector<std::string>& type_keys) {
  std::vector<std::string> keys = {"type", "name"};
  keys.insert(keys.end(), notifier_common_keys().begin(), notifier_common_keys().end());
  keys.insert(keys.end(), type_keys.begin(), type_keys.end());
  return keys;
}

template <typename Settings, typename Reader>
void read_settings(const YAML::Node& item, const std::string& key_path,
                   const std::vector<std::string>& type_keys, Reader reader, NotifierConfig& out,
                   ConfigReader& in) {
  in.check_unknown_keys(item, key_path, keys_with(type_keys));
  Settings settings;
  reader(item, key_path, settings, in);
  out.settings = std::move(settings);
}

void read_notifier(const YAML::Node& item, const std::string& key_path, NotifierConfig& out,
                   ConfigReader& in) {
  out.line = item.Mark().line + 1;
  const YAML::Node type = in.require(item, key_path, "type");
  std::optional<Type> kind;
  if (type.IsDefined()) {
    kind = in.read_enum<Type>(type, ConfigReader::join(key_path, "type"),
                              {{"alertmanager", Type::kAlertmanager},
                               {"pagerduty", Type::kPagerDuty},
                               {"slack", Type::kSlack},
                               {"webhook", Type::kWebhook}});
  }
  if (const YAML::Node name = in.require(item, key_path, "name"); name.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "name");
    if (auto text = in.read_non_empty_string(name, key)) {
      if (is_valid_component_name(*text)) {
        out.name = *text;
      } else {
        in.errors().add(name, key,
                        "invalid notifier name \"" + *text +
                            "\": must match [a-z0-9][a-z0-9_.-]* (it becomes a metric label)");
      }
    }
  }
  if (!kind) return;  // without a known type the other keys cannot be judged
  switch (*kind) {
    case Type::kAlertmanager:
      read_settings<AlertmanagerConfig>(item, key_path, alertmanager_keys(),
                                        read_alertmanager_config, out, in);
      break;
    case Type::kPagerDuty:
      read_settings<PagerDutyConfig>(item, key_path, pagerduty_keys(), read_pagerduty_config, out,
                                     in);
      break;
    case Type::kSlack:
      read_settings<SlackConfig>(item, key_path, slack_keys(), read_slack_config, out, in);
      break;
    case Type::kWebhook:
      read_settings<WebhookConfig>(item, key_path, webhook_keys(), read_webhook_config, out, in);
      break;
  }
}

}  // namespace

void read_notifiers_section(const YAML::Node& node, const std::string& key_path,
                            std::vector<NotifierConfig>& out, ConfigReader& in) {
  if (!node.IsDefined() || !node.IsSequence()) {
    in.errors().add(node, key_path,
                    "expected a list of notifiers, got " + ConfigReader::describe(node));
    return;
  }
  std::map<std::string, int> first_line;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string item_path = ConfigReader::index(key_path, i);
    if (!in.expect_map(item, item_path)) continue;
    NotifierConfig notifier;
    read_notifier(item, item_path, notifier, in);
    if (!notifier.name.empty()) {
      auto [seen, inserted] = first_line.emplace(notifier.name, notifier.line);
      if (!inserted) {
        in.errors().add(item["name"], ConfigReader::join(item_path, "name"),
                        "duplicate notifier name \"" + notifier.name +
                            "\"; first defined at line " + std::to_string(seen->second));
      }
    }
    out.push_back(std::move(notifier));
  }
}

}  // namespace specwatch
