// The names of configured components (sources, exporters) become metric label values, so they
// share one rule: [a-z0-9][a-z0-9_.-]*.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>

#include "sidecar/config/config_reader.h"

namespace specwatch {

bool is_valid_component_name(std::string_view name);

// The required `name` of a list entry (`key_path` is e.g. "sources[2]"); nullopt when it is
// missing or invalid, reported as 'invalid <kind> name "X": must match ...'.
std::optional<std::string> read_component_name(const YAML::Node& entry, const std::string& key_path,
                                               std::string_view kind, ConfigReader& in);

}  // namespace specwatch
