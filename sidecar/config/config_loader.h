// Loads the configuration: YAML, `${VAR}` expansion, path resolution, validation of every key
// (all problems are collected, each with its place) and SPECWATCH_* overrides.
// docs/CONFIGURATION.md documents every key.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/config/config.h"
#include "sidecar/config/config_error.h"
#include "sidecar/config/config_sections.h"
#include "sidecar/config/environment.h"

namespace specwatch {

struct ConfigLoadResult {
  std::optional<Config> config;     // set only when there is no error
  std::vector<ConfigError> errors;  // file problems by place, then <env> problems
};

// An environment variable that overrides one key after the file was read. An empty value counts
// as unset. Its problems are reported with file "<env>", line 0, column 0 and the variable name as
// key. A relative path in an override resolves against the current directory.
struct EnvOverride {
  std::string_view variable;
  std::string_view key;  // the key it overrides, for documentation and messages
  SectionParser apply;   // called with a scalar node holding the variable's value
};

// SPECWATCH_STATE_DIR, SPECWATCH_LOG_LEVEL, SPECWATCH_HTTP_LISTEN, SPECWATCH_SHUTDOWN_TIMEOUT_MS.
const std::vector<EnvOverride>& env_overrides();

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

// The problem with using `dir` as the state directory (created if missing), or nullopt.
std::optional<std::string> check_state_dir(const std::string& dir);

}  // namespace specwatch
