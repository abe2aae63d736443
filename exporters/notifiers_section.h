// The `notifiers:` section: a list of notifiers, each `type:` + `name:` and its type's settings.
// Registered by the app (sidecar/app/app_config.cpp) like the `exporters:` section.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "exporters/notifier_config.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

void read_notifiers_section(const YAML::Node& node, const std::string& key_path,
                            std::vector<NotifierConfig>& out, ConfigReader& in);

}  // namespace specwatch
