#include "sidecar/derive/derive_sections.h"

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

void read_profiles_section(const YAML::Node& node, const std::string& key_path, YAML::Node& out,
                           ConfigReader& in) {
  if (!node.IsSequence()) {
    in.errors().add(node, key_path, "expected a list of profiles");
    return;
  }
  try {
    ProfileSet trial;
    trial.add(node, in.errors().file());
    out = node;
  } catch (const ProfileError& e) {
    in.errors().add(profile_error(e.what(), in.errors().file()));
  }
}

void read_pricing_section(const YAML::Node& node, const std::string& key_path, PricingConfig& out,
                          ConfigReader& in) {
  std::vector<DeriveError> errors;
  parse_pricing_config(node, key_path, in.errors().file(), out, errors);
  if (errors.empty() && !out.file.empty()) {
    out.file = in.resolve(out.file);
    build_pricing_table(out, errors);  // reports an unreadable or invalid pricing file
  }
  add_derive_errors(errors, in);
}

void read_cardinality_section(const YAML::Node& node, const std::string& key_path,
                              CardinalityConfig& out, ConfigReader& in) {
  std::vector<DeriveError> errors;
  parse_cardinality_config(node, key_path, in.errors().file(), out, errors);
  add_derive_errors(errors, in);
}

}  // namespace specwatch
