// The `exporters:` section: a list of exporters, each `type:` + `name:` + `sources:` and its
// type's settings. Registered by the app (sidecar/app/app_config.cpp) like the OTLP section, so
// the config library knows no exporter.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "exporters/exporter_config.h"
#include "sidecar/config/config_error.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

void read_exporters_section(const YAML::Node& node, const std::string& key_path,
                            std::vector<ExporterConfig>& out, ConfigReader& in);

// Cross-section checks once the whole file is read: every name in an exporter's `sources:` is a
// configured source. `source_names` are the configured sources; `file` names the config file.
std::vector<ConfigError> check_exporter_sources(const std::vector<ExporterConfig>& exporters,
                                                const std::vector<std::string>& source_names,
                                                const std::string& file);

// Once the whole file is read: each exporter's own `redaction:` choice gets the `redaction:`
// section's user-defined patterns, and its names are resolved (an unknown one is reported).
void resolve_exporters_redaction(std::vector<ExporterConfig>& exporters,
                                 const RedactionConfig& section, ErrorCollector& errors);

}  // namespace specwatch
