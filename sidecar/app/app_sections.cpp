// The sections of the daemon's configuration file and the SPECWATCH_* overrides: each component's
// parser (in its own folder) wired to its member of Config, and the daemon's own top-level keys.
#include <climits>

#include "sidecar/app/app_config.h"
#include "sidecar/app/sources_section.h"
#include "sidecar/derive/derive_sections.h"
#include "sidecar/redact/redaction_section.h"

namespace specwatch {
namespace {

constexpr std::int64_t kIntMax = INT_MAX;

}  // namespace

void read_state_dir(const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in) {
  if (auto path = in.read_path(node, key)) out.state_dir = *path;
}

void read_log_level(const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in) {
  auto level = in.read_enum<LogLevel>(node, key,
                                      {{"debug", LogLevel::kDebug},
                                       {"info", LogLevel::kInfo},
                                       {"warn", LogLevel::kWarn},
                                       {"error", LogLevel::kError}});
  if (level) out.log_level = *level;
}

void read_shutdown_timeout_ms(const YAML::Node& node, const std::string& key, Config& out,
                              ConfigReader& in) {
  if (auto value = in.read_int(node, key, 0, kIntMax)) {
    out.shutdown_timeout_ms = static_cast<int>(*value);
  }
}

ConfigSections builtin_config_sections() {
  ConfigSections sections;
  sections.add("http", [](const YAML::Node& node, const std::string& key, Config& out,
                          ConfigReader& in) { read_http_section(node, key, out.http, in); });
  sections.add("state_dir", read_state_dir);
  sections.add("log_level", read_log_level);
  sections.add("shutdown_timeout_ms", read_shutdown_timeout_ms);
  sections.add("tail", [](const YAML::Node& node, const std::string& key, Config& out,
                          ConfigReader& in) { read_tail_section(node, key, out.tail, in); });
  sections.add("pipeline",
               [](const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in) {
                 read_pipeline_section(node, key, out.pipeline, in);
               });
  sections.add("sources",
               [](const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in) {
                 read_sources_section(node, key, out.sources, in);
               });
  sections.add("profiles",
               [](const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in) {
                 read_profiles_section(node, key, out.profiles, in);
               });
  sections.add("pricing",
               [](const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in) {
                 read_pricing_section(node, key, out.pricing, in);
               });
  sections.add("cardinality",
               [](const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in) {
                 read_cardinality_section(node, key, out.cardinality, in);
               });
  sections.add("redaction",
               [](const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in) {
                 read_redaction_section(node, key, out.redaction, in);
               });
  return sections;
}

const std::vector<EnvOverride<Config>>& env_overrides() {
  static const std::vector<EnvOverride<Config>> overrides = {
      {"SPECWATCH_STATE_DIR", "state_dir", read_state_dir},
      {"SPECWATCH_LOG_LEVEL", "log_level", read_log_level},
      {"SPECWATCH_HTTP_LISTEN", "http.listen",
       [](const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in) {
         read_http_listen(node, key, out.http, in);
       }},
      {"SPECWATCH_SHUTDOWN_TIMEOUT_MS", "shutdown_timeout_ms", read_shutdown_timeout_ms},
  };
  return overrides;
}

}  // namespace specwatch
