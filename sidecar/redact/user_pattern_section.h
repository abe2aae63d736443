// `redaction.patterns`: the user-defined patterns, each checked where it was written.
//
//   patterns:
//     - name: stripe_secret_key      # [a-z][a-z0-9_]*, not a built-in's name, unique
//       prefix: sk_live_             # literal, >= 3 bytes of printable ASCII, no spaces
//       charset: A-Za-z0-9           # the body's characters (default A-Za-z0-9_-)
//       min_length: 24               # of the body (default 16)
//       max_length: 99               # of the body (default 256)
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "sidecar/config/config_reader.h"
#include "sidecar/redact/user_pattern.h"

namespace specwatch {

// Appends every entry of `list` whose name is valid to `out` (so that a name used elsewhere is
// not reported again as unknown); every problem goes to `in`.
void read_user_patterns(const YAML::Node& list, const std::string& key,
                        std::vector<UserPattern>& out, ConfigReader& in);

}  // namespace specwatch
