#include "sidecar/pipeline/queue_config.h"

namespace specwatch {

std::optional<QueueConfig::WhenFull> when_full_from_name(std::string_view name) {
  if (name == "block") return QueueConfig::WhenFull::kBlock;
  if (name == "drop") return QueueConfig::WhenFull::kDrop;
  return std::nullopt;
}

std::string_view when_full_name(QueueConfig::WhenFull when_full) {
  return when_full == QueueConfig::WhenFull::kDrop ? "drop" : "block";
}

void read_queue_config(const YAML::Node& node, const std::string& key_path, QueueConfig& out,
                       ConfigReader& in) {
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(node, key_path, {"max_events", "when_full"});
  in.read_int_key(node, key_path, "max_events", 1, 100000000, out.max_events);
  if (const YAML::Node when_full = node["when_full"]; when_full.IsDefined()) {
    auto value = in.read_enum<QueueConfig::WhenFull>(
        when_full, ConfigReader::join(key_path, "when_full"),
        {{"block", QueueConfig::WhenFull::kBlock}, {"drop", QueueConfig::WhenFull::kDrop}});
    if (value) out.when_full = *value;
  }
}

}  // namespace specwatch
