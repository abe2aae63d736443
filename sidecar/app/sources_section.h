// The `sources:` section: a list of sources, each with a `type:` (`file` by default) and that
// type's keys; names are unique among sources.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "sidecar/app/source_config.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

void read_sources_section(const YAML::Node& node, const std::string& key_path,
                          std::vector<SourceConfig>& out, ConfigReader& in);

}  // namespace specwatch
