// The `redaction` section: user-defined patterns, and which patterns apply to label values and
// logged input (sidecar/redact/README.md lists the built-in ones).
//
//   redaction:
//     patterns:                            # user-defined, on unless disabled
//       - name: stripe_secret_key
//         prefix: sk_live_
//         min_length: 24
//     disabled_patterns: [bearer_token]    # patterns to turn off
//     enabled_patterns: [email_address]    # patterns that are off by default, to turn on
#include "sidecar/redact/redaction_section.h"

#include <set>

#include "sidecar/redact/user_pattern_section.h"

namespace specwatch {
namespace {

std::string known_pattern_names(const std::vector<UserPattern>& user_patterns) {
  std::string names;
  auto add = [&](std::string_view name) {
    if (!names.empty()) names.append(", ");
    names.append(name);
  };
  for (const auto& spec : builtin_patterns()) add(spec.name);
  for (const auto& pattern : user_patterns) add(pattern.name);
  return names;
}

// Records every name of the list at `key` in `choice`; returns the names read.
std::set<std::string> read_pattern_list(const YAML::Node& list, const std::string& key,
                                        bool enabled, std::vector<NamedPattern>& choice,
                                        ConfigReader& in) {
  std::set<std::string> names;
  if (!list.IsSequence()) {
    in.read_string_list(list, key);  // reports what was written instead of a list
    return names;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string element_key = ConfigReader::index(key, i);
    std::optional<std::string> name = in.read_string(list[i], element_key);
    if (!name) continue;
    const YAML::Mark mark = list[i].Mark();
    choice.push_back(NamedPattern{*name, enabled, element_key, mark.line + 1, mark.column + 1});
    names.insert(*name);
  }
  return names;
}

}  // namespace

void read_redaction_section(const YAML::Node& node, const std::string& key_path,
                            RedactionConfig& out, ConfigReader& in) {
  if (node.IsNull()) return;  // `redaction:` with nothing under it: the defaults
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(node, key_path, {"patterns", "disabled_patterns", "enabled_patterns"});
  if (const YAML::Node list = node["patterns"]; list.IsDefined()) {
    read_user_patterns(list, ConfigReader::join(key_path, "patterns"), out.user_patterns, in);
  }
  read_pattern_choice(node, key_path, out, in);
  resolve_pattern_choice(out, in.errors());
}

void read_pattern_choice(const YAML::Node& node, const std::string& key_path, RedactionConfig& out,
                         ConfigReader& in) {
  out.choice.clear();
  std::set<std::string> disabled;
  if (const YAML::Node list = node["disabled_patterns"]; list.IsDefined()) {
    disabled = read_pattern_list(list, key_path + ".disabled_patterns", false, out.choice, in);
  }
  if (const YAML::Node list = node["enabled_patterns"]; list.IsDefined()) {
    const std::string key = key_path + ".enabled_patterns";
    const std::set<std::string> enabled = read_pattern_list(list, key, true, out.choice, in);
    for (const auto& name : enabled) {
      if (disabled.count(name) != 0) {
        in.errors().add(list, key, "pattern \"" + name + "\" is also in disabled_patterns");
      }
    }
  }
}

void resolve_pattern_choice(RedactionConfig& config, ErrorCollector& errors) {
  config.patterns = PatternSet::defaults();
  for (const NamedPattern& named : config.choice) {
    if (auto index = find_pattern(named.name, config.user_patterns)) {
      config.patterns.set(*index, named.enabled);
      continue;
    }
    errors.add(ConfigError{errors.file(), named.line, named.column, named.key,
                           "unknown pattern \"" + named.name +
                               "\"; known patterns: " + known_pattern_names(config.user_patterns)});
  }
}

}  // namespace specwatch
