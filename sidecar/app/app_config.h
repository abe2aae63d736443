// Loading the daemon's configuration: its sections (each component's parser registered against
// its member of Config), YAML, `${VAR}` expansion, path resolution, validation of every key (all
// problems are collected, each with its place) and SPECWATCH_* overrides. `run`, `validate` and
// SIGHUP reload all load through load_app_config, so they accept the same keys.
// docs/CONFIGURATION.md documents every key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/app/config.h"
#include "sidecar/config/config_error.h"
#include "sidecar/config/config_loader.h"
#include "sidecar/config/config_reader.h"
#include "sidecar/config/config_sections.h"
#include "sidecar/config/environment.h"

namespace specwatch {

using ConfigSections = SectionRegistry<Config>;
using SectionParser = ConfigSections::Parser;

struct ConfigLoadResult {
  std::optional<Config> config;     // set only when there is no error
  std::vector<ConfigError> errors;  // file problems by place, then <env> problems
};

// http, state_dir, log_level, shutdown_timeout_ms, tail, pipeline, sources, profiles, pricing,
// cardinality, redaction (app_sections.cpp).
ConfigSections builtin_config_sections();
// The built-in sections plus those of the OTLP receivers and the exporters.
ConfigSections app_config_sections();

// The daemon's own top-level keys, shared by the file sections and the SPECWATCH_* overrides.
void read_state_dir(const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in);
void read_log_level(const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in);
void read_shutdown_timeout_ms(const YAML::Node& node, const std::string& key, Config& out,
                              ConfigReader& in);

// SPECWATCH_STATE_DIR, SPECWATCH_LOG_LEVEL, SPECWATCH_HTTP_LISTEN, SPECWATCH_SHUTDOWN_TIMEOUT_MS.
const std::vector<EnvOverride<Config>>& env_overrides();

// Reads the file at `path`; relative paths in it resolve against its directory. An unreadable
// file gives one error with line 0, column 0 and no key.
ConfigLoadResult load_config(const std::string& path, const Environment& env);
ConfigLoadResult load_config(const std::string& path, const Environment& env,
                             const ConfigSections& sections);

// Parses configuration text. `file_for_messages` names it in errors (and becomes Config::path);
// relative paths resolve against `base_dir`. The final state_dir is created (mkdir -p) and
// checked for writability; include patterns' existing leading directories are checked.
ConfigLoadResult parse_config(std::string_view yaml_text, const std::string& file_for_messages,
                              const std::string& base_dir, const Environment& env);
ConfigLoadResult parse_config(std::string_view yaml_text, const std::string& file_for_messages,
                              const std::string& base_dir, const Environment& env,
                              const ConfigSections& sections);

// Every section of the daemon, with the checks across sections (profiles named by sources and
// the OTLP receivers exist, exporters take configured sources).
ConfigLoadResult load_app_config(const std::string& path, const Environment& env);

}  // namespace specwatch
