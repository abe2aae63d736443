// Top-level keys of the configuration file are handled by registered section parsers, so a later
// capability adds its section (profiles, pricing, otlp, ...) with one `add` call and reuses the
// typed readers of ConfigReader. The built-in keys are registered the same way.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sidecar/config/config.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

// Reads `node` (the value written under the top-level key `key_path`) into `out`, reporting
// every problem through `in.errors()`.
using SectionParser = std::function<void(const YAML::Node& node, const std::string& key_path,
                                         Config& out, ConfigReader& in)>;

class ConfigSections {
 public:
  // Throws std::logic_error if `key` is already registered (a programming error).
  void add(std::string key, SectionParser parser);
  // nullptr when no section has this key.
  const SectionParser* find(std::string_view key) const;
  // In registration order (the order of "allowed keys" in messages).
  std::vector<std::string> keys() const;

 private:
  std::vector<std::pair<std::string, SectionParser>> sections_;
};

// http, state_dir, log_level, shutdown_timeout_ms, tail, pipeline, sources.
ConfigSections builtin_config_sections();

// The readers of single built-in keys, shared by the file sections and the SPECWATCH_* overrides.
void read_http_listen(const YAML::Node& node, const std::string& key, Config& out,
                      ConfigReader& in);
void read_state_dir(const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in);
void read_log_level(const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in);
void read_shutdown_timeout_ms(const YAML::Node& node, const std::string& key, Config& out,
                              ConfigReader& in);

// The `sources` section (sources_section.cpp).
void read_sources_section(const YAML::Node& node, const std::string& key_path, Config& out,
                          ConfigReader& in);

// The `redaction` section (redaction_section.cpp).
void read_redaction_section(const YAML::Node& node, const std::string& key_path, Config& out,
                            ConfigReader& in);

// Source names become metric label values: [a-z0-9][a-z0-9_.-]*.
bool is_valid_source_name(std::string_view name);

}  // namespace specwatch
