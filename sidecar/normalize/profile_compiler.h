// The profile compiler: turns one profile's YAML (docs/PROFILES.md) into a CompiledProfile. Every
// error names origin, line:column, profile, rule and key. Its parts:
// - profile_compiler.cpp: header keys (tool, input, roots, ...), extract, common, rules;
// - profile_field_paths.cpp: field references, paths and their roots, captures and regexes;
// - profile_value_specs.cpp: conditions (`when:`) and value specs (maps, defaults, conversions).
// ProfileSet (profile_set.cpp) runs it over a profile and the profiles it extends.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sidecar/normalize/compiled_profile.h"

namespace specwatch {

// Compiles one profile; holds what error messages need.
class ProfileCompiler {
 public:
  ProfileCompiler(std::string_view origin, CompiledProfile& out) : origin_(origin), out_(out) {}

  void set_origin(std::string_view origin) { origin_ = origin; }

  [[noreturn]] void fail(const YAML::Node& at, std::string_view key, const std::string& what);

  void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed);

  std::string scalar(const YAML::Node& node, std::string_view key);

  bool boolean(const YAML::Node& node, std::string_view key);

  // The header keys of a profile (name, input, ...). Called for the base of an `extends` first.
  void header(const YAML::Node& p);

  // Adds a root to the current list. Each distinct root path keeps one number for the whole
  // profile (an extending profile may list other roots than its base), so that the alternatives
  // it prefixes share one index of the object it leads to (PathAlternative::root).
  void root(std::vector<PathSegment> segments);

  void body(const YAML::Node& p);

 private:
  Rule rule(const YAML::Node& r);

  Condition condition(const YAML::Node& c);

  CompiledRegex regex(const YAML::Node& at, const std::string& pattern, bool icase,
                      std::string_view key);

  int slot(const YAML::Node& at, const std::string& name, std::string_view key);

  std::vector<PathSegment> split_path(const YAML::Node& at, std::string_view path,
                                      std::string_view key);

  PathAlternative alternative(PathAlternative::Base base, std::vector<PathSegment> segs);

  void add_alternative(FieldRef& ref, const YAML::Node& at, std::string_view text,
                       std::string_view key);

  FieldRef field_ref(const YAML::Node& node, std::string_view key);

  Convert convert(const YAML::Node& node, ValueType type);

  void pairs(const YAML::Node& node, std::string_view key,
             std::vector<std::pair<std::string, std::string>>& out, bool lower);

  ValueSpec spec(const YAML::Node& node, const TargetInfo& target, const std::string& key,
                 bool& required);

  Assignment assignment(const TargetInfo& t, const YAML::Node& value, const std::string& key);

  std::string origin_;
  CompiledProfile& out_;
  std::string rule_;
  bool in_for_each_ = false;
  struct Root {
    std::vector<PathSegment> segments;
    int id;  // position in all_roots_
  };
  std::vector<Root> roots_;                          // the current `roots:` list
  std::vector<std::vector<PathSegment>> all_roots_;  // every root path seen, numbered
};

}  // namespace specwatch
