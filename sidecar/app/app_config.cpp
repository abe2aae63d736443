#include "sidecar/app/app_config.h"

#include <algorithm>
#include <filesystem>

#include "exporters/exporters_section.h"
#include "exporters/notifiers_section.h"
#include "sidecar/budgets/budget_section.h"
#include "sidecar/normalize/profile_set.h"
#include "sidecar/otlp/otlp_config.h"
#include "sidecar/rules/rules_section.h"

namespace specwatch {
namespace {

// Reports sources whose `profile` names no known profile (built in or under `profiles:`). `root`
// is the document's root mapping (for the place of the message).
void check_source_profiles(const YAML::Node& root, const Config& config, ConfigReader& in) {
  ProfileSet profiles;
  if (config.profiles.IsDefined() && config.profiles.IsSequence()) {
    try {
      profiles.add(config.profiles, in.errors().file());
    } catch (const ProfileError&) {
      return;  // already reported by read_profiles_section
    }
  }
  const YAML::Node sources = root.IsMap() ? root["sources"] : YAML::Node();
  for (std::size_t i = 0; i < config.sources.size(); ++i) {
    const auto& source = config.sources[i];
    if (source.profile().empty() || profiles.contains(source.profile())) continue;
    std::string known;
    for (const auto& name : profiles.names()) known += (known.empty() ? "" : ", ") + name;
    YAML::Node place = root;
    if (sources.IsSequence() && i < sources.size() && sources[i]["profile"].IsDefined()) {
      place = sources[i]["profile"];
    }
    in.errors().add(place, "sources[" + std::to_string(i) + "].profile",
                    "unknown profile \"" + source.profile() + "\"; known profiles: " + known);
  }
}

}  // namespace

ConfigSections app_config_sections() {
  ConfigSections sections = builtin_config_sections();
  sections.add("otlp", [](const YAML::Node& node, const std::string& key_path, Config& out,
                          ConfigReader& in) { read_otlp_section(node, key_path, out.otlp, in); });
  sections.add("exporters",
               [](const YAML::Node& node, const std::string& key_path, Config& out,
                  ConfigReader& in) { read_exporters_section(node, key_path, out.exporters, in); });
  sections.add("rules",
               [](const YAML::Node& node, const std::string& key_path, Config& out,
                  ConfigReader& in) { read_rules_section(node, key_path, out.rules, in); });
  sections.add("notifiers",
               [](const YAML::Node& node, const std::string& key_path, Config& out,
                  ConfigReader& in) { read_notifiers_section(node, key_path, out.notifiers, in); });
  sections.add("budgets",
               [](const YAML::Node& node, const std::string& key_path, Config& out,
                  ConfigReader& in) { read_budgets_section(node, key_path, out.budgets, in); });
  return sections;
}

ConfigLoadResult load_config(const std::string& path, const Environment& env) {
  return load_config(path, env, builtin_config_sections());
}

ConfigLoadResult load_config(const std::string& path, const Environment& env,
                             const ConfigSections& sections) {
  std::string text;
  if (auto problem = read_config_text(path, text)) {
    ConfigLoadResult result;
    result.errors.push_back(
        ConfigError{path, 0, 0, "", "cannot read configuration file: " + *problem});
    return result;
  }
  std::filesystem::path base = std::filesystem::path(path).parent_path();
  return parse_config(text, path, base.empty() ? current_dir() : base.string(), env, sections);
}

ConfigLoadResult parse_config(std::string_view yaml_text, const std::string& file_for_messages,
                              const std::string& base_dir, const Environment& env) {
  return parse_config(yaml_text, file_for_messages, base_dir, env, builtin_config_sections());
}

ConfigLoadResult parse_config(std::string_view yaml_text, const std::string& file_for_messages,
                              const std::string& base_dir, const Environment& env,
                              const ConfigSections& sections) {
  ConfigLoadResult result;
  ErrorCollector errors(file_for_messages);
  const YAML::Node root = parse_yaml_root(yaml_text, errors);
  if (!root.IsDefined()) {  // not YAML: nothing more can be judged
    result.errors = errors.take();
    return result;
  }

  Config config;
  config.path = file_for_messages;
  ConfigReader reader(errors, env, base_dir);
  read_sections(root, sections, config, reader);
  if (root.IsMap()) check_source_profiles(root, config, reader);
  // An exporter may name a user pattern of `redaction:`, which may come after it.
  resolve_exporters_redaction(config.exporters, config.redaction, errors);

  // Overrides come after the file. Their values are taken literally.
  ErrorCollector env_errors(kEnvironmentFile);
  const std::vector<std::string_view> overridden =
      apply_env_overrides(env_overrides(), env, config, env_errors);
  const bool state_dir_overridden =
      std::find(overridden.begin(), overridden.end(), "state_dir") != overridden.end();

  // The state directory is checked once, for its final value, where that value was written.
  if (state_dir_overridden) {
    if (!has_error_for(env_errors.errors(), "SPECWATCH_STATE_DIR")) {
      if (auto problem = check_state_dir(config.state_dir)) {
        env_errors.add(YAML::Mark::null_mark(), "SPECWATCH_STATE_DIR", *problem);
      }
    }
  } else if (!has_error_for(errors.errors(), "state_dir")) {
    if (auto problem = check_state_dir(config.state_dir)) {
      const YAML::Node written =
          root.IsMap() && root["state_dir"].IsDefined() ? root["state_dir"] : root;
      errors.add(written, "state_dir", *problem);
    }
  }

  result.errors = errors.take();
  for (ConfigError& error : env_errors.take()) result.errors.push_back(std::move(error));
  order_errors(result.errors);
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

ConfigLoadResult load_app_config(const std::string& path, const Environment& env) {
  ConfigLoadResult result = load_config(path, env, app_config_sections());
  if (!result.config) return result;
  // The OTLP records go through named profiles like file records do: they must exist.
  const Config& config = *result.config;
  ProfileSet profiles;
  if (config.profiles.IsDefined() && config.profiles.IsSequence()) {
    profiles.add(config.profiles, config.path);  // compiled once already by the loader
  }
  for (const auto& [key, name] : {std::pair{"otlp.span_profile", config.otlp.span_profile},
                                  std::pair{"otlp.log_profile", config.otlp.log_profile}}) {
    if (!profiles.contains(name)) {
      result.errors.push_back(ConfigError{path, 0, 0, key, "unknown profile \"" + name + "\""});
    }
  }
  // An exporter may name the OTLP receivers too: their batches carry these source names.
  std::vector<std::string> source_names = {"otlp-http", "otlp-grpc"};
  for (const auto& source : config.sources) source_names.push_back(source.name());
  for (ConfigError& error : check_exporter_sources(config.exporters, source_names, path)) {
    result.errors.push_back(std::move(error));
  }
  for (ConfigError& error : check_rule_files(config.rules))
    result.errors.push_back(std::move(error));
  if (!result.errors.empty()) result.config.reset();
  return result;
}

}  // namespace specwatch
