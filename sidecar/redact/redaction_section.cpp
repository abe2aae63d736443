// The `redaction` section: which built-in secret patterns apply to label values and logged
// input (sidecar/redact/README.md lists them).
//
//   redaction:
//     disabled_patterns: [bearer_token]    # built-in patterns to turn off
//     enabled_patterns: [email_address]    # patterns that are off by default, to turn on
#include "sidecar/redact/redaction_section.h"

#include <set>

namespace specwatch {
namespace {

std::string known_pattern_names() {
  std::string names;
  for (const auto& spec : builtin_patterns()) {
    if (!names.empty()) names.append(", ");
    names.append(spec.name);
  }
  return names;
}

// Applies every valid name of the list at `key` to `patterns`; returns the names read.
std::set<std::string> read_pattern_list(const YAML::Node& list, const std::string& key,
                                        bool enabled, PatternSet& patterns, ConfigReader& in) {
  std::set<std::string> names;
  if (!list.IsSequence()) {
    in.read_string_list(list, key);  // reports what was written instead of a list
    return names;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string element_key = key + "[" + std::to_string(i) + "]";
    std::optional<std::string> name = in.read_string(list[i], element_key);
    if (!name) continue;
    if (!patterns.set(*name, enabled)) {
      in.errors().add(
          list[i], element_key,
          "unknown pattern \"" + *name + "\"; known patterns: " + known_pattern_names());
      continue;
    }
    names.insert(*name);
  }
  return names;
}

}  // namespace

void read_redaction_section(const YAML::Node& node, const std::string& key_path,
                            RedactionConfig& out, ConfigReader& in) {
  if (node.IsNull()) return;  // `redaction:` with nothing under it: the defaults
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(node, key_path, {"disabled_patterns", "enabled_patterns"});
  read_pattern_choice(node, key_path, out, in);
}

void read_pattern_choice(const YAML::Node& node, const std::string& key_path, RedactionConfig& out,
                         ConfigReader& in) {
  PatternSet patterns = PatternSet::defaults();
  std::set<std::string> disabled;
  if (const YAML::Node list = node["disabled_patterns"]; list.IsDefined()) {
    disabled = read_pattern_list(list, key_path + ".disabled_patterns", false, patterns, in);
  }
  if (const YAML::Node list = node["enabled_patterns"]; list.IsDefined()) {
    const std::string key = key_path + ".enabled_patterns";
    const std::set<std::string> enabled = read_pattern_list(list, key, true, patterns, in);
    for (const auto& name : enabled) {
      if (disabled.count(name) != 0) {
        in.errors().add(list, key, "pattern \"" + name + "\" is also in disabled_patterns");
      }
    }
  }
  out.patterns = patterns;
}

}  // namespace specwatch
