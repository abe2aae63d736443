#include "sidecar/app/app_config.h"

#include "exporters/exporters_section.h"
#include "sidecar/budgets/budget_section.h"
#include "sidecar/normalize/profile_set.h"
#include "sidecar/otlp/otlp_config.h"

namespace specwatch {

ConfigSections app_config_sections() {
  ConfigSections sections = builtin_config_sections();
  sections.add("otlp", [](const YAML::Node& node, const std::string& key_path, Config& out,
                          ConfigReader& in) { read_otlp_section(node, key_path, out.otlp, in); });
  sections.add("exporters",
               [](const YAML::Node& node, const std::string& key_path, Config& out,
                  ConfigReader& in) { read_exporters_section(node, key_path, out.exporters, in); });
  sections.add("budgets",
               [](const YAML::Node& node, const std::string& key_path, Config& out,
                  ConfigReader& in) { read_budgets_section(node, key_path, out.budgets, in); });
  return sections;
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
    if (profiles.find(name) == nullptr) {
      result.errors.push_back(ConfigError{path, 0, 0, key, "unknown profile \"" + name + "\""});
    }
  }
  // An exporter may name the OTLP receivers too: their batches carry these source names.
  std::vector<std::string> source_names = {"otlp-http", "otlp-grpc"};
  for (const auto& source : config.sources) source_names.push_back(source.name);
  for (ConfigError& error : check_exporter_sources(config.exporters, source_names, path)) {
    result.errors.push_back(std::move(error));
  }
  if (!result.errors.empty()) result.config.reset();
  return result;
}

}  // namespace specwatch
