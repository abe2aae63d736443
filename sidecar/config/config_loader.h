// The generic steps of loading a configuration file: reading it, parsing its one YAML document,
// handing each top-level key to its registered section, applying environment overrides and
// ordering the problems. The application's loader (sidecar/app/app_config.h) joins them for its
// own aggregate config; docs/CONFIGURATION.md documents every key.
#pragma once

#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/config/config_error.h"
#include "sidecar/config/config_reader.h"
#include "sidecar/config/config_sections.h"
#include "sidecar/config/environment.h"

namespace specwatch {

// Reads the whole file into `out`; the reason (strerror) when it cannot be read.
std::optional<std::string> read_config_text(const std::string& path, std::string& out);

// The current directory ("." when it cannot be determined).
std::string current_dir();

// The root of the one YAML document in `yaml_text` (undefined when the text is not YAML, or
// empty); a syntax error or a second document is reported to `errors`.
YAML::Node parse_yaml_root(std::string_view yaml_text, ErrorCollector& errors);

// Hands every top-level key of `root` to its section in `sections` (a mapping is expected; unknown
// and duplicate keys are reported, a duplicate is not read again). A section parser that uses
// yaml-cpp wrongly is reported as "cannot read this section", never thrown.
template <typename Target>
void read_sections(const YAML::Node& root, const SectionRegistry<Target>& sections, Target& target,
                   ConfigReader& in) {
  if (!root.IsDefined() || root.IsNull() || !in.expect_map(root, "")) return;
  in.check_unknown_keys(root, "", sections.keys());
  std::set<std::string> seen;
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string& key = it->first.Scalar();
    if (!seen.insert(key).second) continue;  // a duplicate key is reported, not read
    const auto* parser = sections.find(key);
    if (parser == nullptr) continue;
    try {
      (*parser)(it->second, key, target, in);
    } catch (const YAML::Exception& e) {
      in.errors().add(e.mark, key, "cannot read this section: " + e.msg);
    }
  }
}

// An environment variable that overrides one key after the file was read. An empty value counts
// as unset. Its problems are reported with file "<env>", line 0, column 0 and the variable name as
// key. A relative path in an override resolves against the current directory.
template <typename Target>
struct EnvOverride {
  std::string_view variable;
  std::string_view key;                            // the key it overrides
  typename SectionRegistry<Target>::Parser apply;  // called with a scalar holding the value
};

// Applies every override whose variable is set (values taken literally, problems to
// `env_errors`); returns the keys that were overridden.
template <typename Target>
std::vector<std::string_view> apply_env_overrides(const std::vector<EnvOverride<Target>>& overrides,
                                                  const Environment& env, Target& target,
                                                  ErrorCollector& env_errors) {
  ConfigReader reader(env_errors, env, current_dir(), /*expand=*/false);
  std::vector<std::string_view> applied;
  for (const EnvOverride<Target>& entry : overrides) {
    const std::string variable(entry.variable);
    std::optional<std::string> value = env ? env(variable) : std::nullopt;
    if (!value || value->empty()) continue;
    entry.apply(YAML::Node(*value), variable, target, reader);
    applied.push_back(entry.key);
  }
  return applied;
}

// Whether one of `errors` names `key`.
bool has_error_for(const std::vector<ConfigError>& errors, std::string_view key);

// File problems in the order they appear in the file, then the <env> problems.
void order_errors(std::vector<ConfigError>& errors);

// The problem with using `dir` as the state directory (created if missing), or nullopt.
std::optional<std::string> check_state_dir(const std::string& dir);

}  // namespace specwatch
