// The built-in profiles: the files sidecar/normalize/profiles/*.yaml, embedded at build time
// (CMake reads them into a generated builtin_profiles.cpp).
#pragma once

#include <string_view>
#include <vector>

namespace specwatch {

struct BuiltinProfile {
  std::string_view origin;  // "builtin:specular-trace.yaml"
  std::string_view yaml;
};

const std::vector<BuiltinProfile>& builtin_profiles();

}  // namespace specwatch
