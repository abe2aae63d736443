#include "exporters/common/spool_config.h"

namespace specwatch {

void read_spool_config(const YAML::Node& node, const std::string& key, SpoolConfig& out,
                       ConfigReader& in) {
  if (!in.expect_map(node, key)) return;
  in.check_unknown_keys(node, key, {"enabled", "path", "max_bytes", "when_full"});
  if (const YAML::Node enabled = node["enabled"]; enabled.IsDefined()) {
    if (auto value = in.read_bool(enabled, ConfigReader::join(key, "enabled"))) {
      out.enabled = *value;
    }
  }
  if (const YAML::Node path = node["path"]; path.IsDefined()) {
    if (auto value = in.read_path(path, ConfigReader::join(key, "path"))) out.path = *value;
  }
  if (const YAML::Node bytes = node["max_bytes"]; bytes.IsDefined()) {
    // At least one segment's worth, so that a full spool still holds a useful amount.
    if (auto value = in.read_int(bytes, ConfigReader::join(key, "max_bytes"), 1 << 20)) {
      out.max_bytes = static_cast<std::uint64_t>(*value);
    }
  }
  if (const YAML::Node when_full = node["when_full"]; when_full.IsDefined()) {
    if (auto value = in.read_enum<SpoolOptions::WhenFull>(
            when_full, ConfigReader::join(key, "when_full"),
            {{"block", SpoolOptions::WhenFull::kBlock},
             {"drop_newest", SpoolOptions::WhenFull::kDropNewest}})) {
      out.when_full = *value;
    }
  }
}

void read_spool_and_dead_letter(const YAML::Node& entry, const std::string& key_path,
                                SpoolConfig& spool, DeadLetterConfig& dead_letter,
                                ConfigReader& in) {
  if (const YAML::Node node = entry["spool"]; node.IsDefined()) {
    read_spool_config(node, ConfigReader::join(key_path, "spool"), spool, in);
  }
  if (const YAML::Node node = entry["dead_letter"]; node.IsDefined()) {
    read_dead_letter_config(node, ConfigReader::join(key_path, "dead_letter"), dead_letter, in);
  }
}

SpoolOptions spool_options(const SpoolConfig& config, const std::string& state_dir,
                           const std::string& exporter) {
  SpoolOptions options;
  options.dir = config.path.empty() ? state_dir + "/spool/" + exporter : config.path;
  options.max_bytes = config.max_bytes;
  options.when_full = config.when_full;
  return options;
}

}  // namespace specwatch
