// The `redaction:` section: user-defined patterns and which patterns apply (README.md lists the
// built-in ones).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "sidecar/config/config_reader.h"
#include "sidecar/redact/redaction_patterns.h"

namespace specwatch {

void read_redaction_section(const YAML::Node& node, const std::string& key_path,
                            RedactionConfig& out, ConfigReader& in);

// `disabled_patterns` and `enabled_patterns` of the mapping `node` into `out.choice`, as written:
// the section's keys, also an exporter's own `redaction:` (exporters/common/exporter_redaction.h).
// A name in both lists is reported here; whether a name exists, by resolve_pattern_choice.
void read_pattern_choice(const YAML::Node& node, const std::string& key_path, RedactionConfig& out,
                         ConfigReader& in);

// Sets `config.patterns`: the defaults, then `config.choice` applied by name over the built-ins
// and `config.user_patterns`. Every name that is neither is reported where it was written.
void resolve_pattern_choice(RedactionConfig& config, ErrorCollector& errors);

}  // namespace specwatch
