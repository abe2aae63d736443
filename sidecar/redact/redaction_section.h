// The `redaction:` section: which built-in secret patterns apply (README.md lists them).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "sidecar/config/config_reader.h"
#include "sidecar/redact/redaction_patterns.h"

namespace specwatch {

void read_redaction_section(const YAML::Node& node, const std::string& key_path,
                            RedactionConfig& out, ConfigReader& in);

// `disabled_patterns` and `enabled_patterns` of the mapping `node` over the built-in defaults:
// the section's keys, also an exporter's own `redaction:` (exporters/common/exporter_redaction.h).
void read_pattern_choice(const YAML::Node& node, const std::string& key_path, RedactionConfig& out,
                         ConfigReader& in);

}  // namespace specwatch
