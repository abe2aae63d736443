// A problem found while reading a pricing file or the pricing / cardinality configuration
// sections, with the place it was written and the full key path, in the same shape as the
// configuration loader's errors: "pricing.yaml:12:5: models[3].input: expected a number".
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

namespace specwatch {

struct DeriveError {
  std::string file;
  int line = 0;     // 1-based; 0 when the problem has no place in the file
  int column = 0;   // 1-based; 0 when the problem has no place in the file
  std::string key;  // "models[3].input"; empty for syntax errors
  std::string message;

  // "file:line:column: key: message" ("file:line:column: message" when key is empty).
  std::string to_string() const;

  bool operator==(const DeriveError&) const = default;
};

// yaml-cpp marks are 0-based; a node built in code has a null mark (stored as 0:0).
DeriveError make_derive_error(const std::string& file, const YAML::Mark& mark, std::string key,
                              std::string message);

}  // namespace specwatch
