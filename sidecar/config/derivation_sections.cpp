#include "sidecar/config/derivation_sections.h"

#include <regex>

#include "sidecar/normalize/profile_set.h"

namespace specwatch {
namespace {

void add_derive_errors(const std::vector<DeriveError>& errors, ConfigReader& in) {
  for (const auto& e : errors) {
    in.errors().add(ConfigError{e.file, e.line, e.column, e.key, e.message});
  }
}

// ProfileError messages read "origin:line:column: text"; split them into a ConfigError so that
// `validate` prints them like every other problem.
ConfigError profile_error(const std::string& what, const std::string& file) {
  static const std::regex placed(R"(^(.*):(\d+):(\d+): (.*)$)");
  std::smatch m;
  if (std::regex_match(what, m, placed)) {
    return ConfigError{m[1], std::stoi(m[2]), std::stoi(m[3]), "profiles", m[4]};
  }
  return ConfigError{file, 0, 0, "profiles", what};
}

}  // namespace

void read_profiles_section(const YAML::Node& node, const std::string& key_path, Config& out,
                           ConfigReader& in) {
  if (!node.IsSequence()) {
    in.errors().add(node, key_path, "expected a list of profiles");
    return;
  }
  try {
    ProfileSet trial;
    trial.add(node, in.errors().file());
    out.profiles = node;
  } catch (const ProfileError& e) {
    in.errors().add(profile_error(e.what(), in.errors().file()));
  }
}

void read_pricing_section(const YAML::Node& node, const std::string& key_path, Config& out,
                          ConfigReader& in) {
  std::vector<DeriveError> errors;
  parse_pricing_config(node, key_path, in.errors().file(), out.pricing, errors);
  if (errors.empty() && !out.pricing.file.empty()) {
    out.pricing.file = in.resolve(out.pricing.file);
    build_pricing_table(out.pricing, errors);  // reports an unreadable or invalid pricing file
  }
  add_derive_errors(errors, in);
}

void read_cardinality_section(const YAML::Node& node, const std::string& key_path, Config& out,
                              ConfigReader& in) {
  std::vector<DeriveError> errors;
  parse_cardinality_config(node, key_path, in.errors().file(), out.cardinality, errors);
  add_derive_errors(errors, in);
}

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
    if (source.profile.empty() || profiles.find(source.profile) != nullptr) continue;
    std::string known;
    for (const auto& name : profiles.names()) known += (known.empty() ? "" : ", ") + name;
    YAML::Node place = root;
    if (sources.IsSequence() && i < sources.size() && sources[i]["profile"].IsDefined()) {
      place = sources[i]["profile"];
    }
    in.errors().add(place, "sources[" + std::to_string(i) + "].profile",
                    "unknown profile \"" + source.profile + "\"; known profiles: " + known);
  }
}

}  // namespace specwatch
