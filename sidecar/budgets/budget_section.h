// The `budgets:` section parser, kept apart from the typed config so that the config library's
// aggregate only needs the types (budget_config.h).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "sidecar/budgets/budget_config.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

// Reads `budgets:` into `out`; every problem goes to in.errors() as file:line:column: key: message.
void read_budgets_section(const YAML::Node& node, const std::string& key_path, BudgetsConfig& out,
                          ConfigReader& in);

}  // namespace specwatch
