// The config sections of metric derivation: `profiles` (the user's profiles, compiled once here
// to report their problems), `pricing` and `cardinality`.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "sidecar/config/config_reader.h"
#include "sidecar/derive/derive_config.h"

namespace specwatch {

// `out` keeps the node itself: ProfileSet compiles it again where the profiles are used.
void read_profiles_section(const YAML::Node& node, const std::string& key_path, YAML::Node& out,
                           ConfigReader& in);
void read_pricing_section(const YAML::Node& node, const std::string& key_path, PricingConfig& out,
                          ConfigReader& in);
void read_cardinality_section(const YAML::Node& node, const std::string& key_path,
                              CardinalityConfig& out, ConfigReader& in);

}  // namespace specwatch
