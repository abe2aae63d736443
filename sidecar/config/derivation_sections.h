// The config sections of metric derivation: `profiles`, `pricing`, `cardinality`, and the check
// that every source names a profile that exists (built in or defined under `profiles`).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "sidecar/config/config.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

void read_profiles_section(const YAML::Node& node, const std::string& key_path, Config& out,
                           ConfigReader& in);
void read_pricing_section(const YAML::Node& node, const std::string& key_path, Config& out,
                          ConfigReader& in);
void read_cardinality_section(const YAML::Node& node, const std::string& key_path, Config& out,
                              ConfigReader& in);

// Reports sources whose `profile` names no known profile. `root` is the document's root mapping
// (for the place of the message).
void check_source_profiles(const YAML::Node& root, const Config& config, ConfigReader& in);

}  // namespace specwatch
