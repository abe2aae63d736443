// The built-in profiles: the files sidecar/normalize/profiles/*.yaml, embedded at build time
// (CMake reads them into a generated builtin_profiles.cpp).
#pragma once

#include <string_view>
#include <vector>

namespace specwatch {

// One profile per file, named like the file. `name` and `extends` are read from the file at build
// time, so that a start learns every built-in's name and base without parsing its YAML.
struct BuiltinProfile {
  std::string_view origin;  // "builtin:specular-trace.yaml"
  std::string_view yaml;
  std::string_view name;     // "specular-trace"
  std::string_view extends;  // the base profile's name; empty when the profile extends none
};

const std::vector<BuiltinProfile>& builtin_profiles();

}  // namespace specwatch
