// Reads the `rules:` section (registered in sidecar/app/app_config.cpp) and checks the rule files
// it names, so that `specwatch validate` reports a broken rule file like a broken config.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "sidecar/config/config_error.h"
#include "sidecar/config/config_reader.h"
#include "sidecar/rules/rules_config.h"

namespace specwatch {

void read_rules_section(const YAML::Node& node, const std::string& key_path, RulesConfig& out,
                        ConfigReader& in);

// The files the globs of `config` match now, sorted, without duplicates.
std::vector<std::string> expand_rule_files(const RulesConfig& config);

// Every problem of every rule file, each "file:line:column: key: message" (as ConfigError with
// the place parsed back out of the rule-file loader's text). Nothing when rules are disabled.
std::vector<ConfigError> check_rule_files(const RulesConfig& config);

}  // namespace specwatch
