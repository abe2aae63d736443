// The config sections of the whole daemon: the config library's built-in ones plus those of
// components that the config library must not link (the OTLP receivers and their gRPC stack).
// `run`, `validate` and SIGHUP reload all load through here, so they accept the same keys.
#pragma once

#include <string>

#include "sidecar/config/config_loader.h"

namespace specwatch {

ConfigSections app_config_sections();
ConfigLoadResult load_app_config(const std::string& path, const Environment& env);

}  // namespace specwatch
