#include "sidecar/config/config_error.h"

namespace specwatch {

std::string ConfigError::to_string() const {
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  return out;
}

void ErrorCollector::add(const YAML::Mark& mark, std::string key, std::string message) {
  const bool placed = !mark.is_null() && mark.line >= 0 && mark.column >= 0;
  errors_.push_back(ConfigError{file_, placed ? mark.line + 1 : 0, placed ? mark.column + 1 : 0,
                                std::move(key), std::move(message)});
}

void ErrorCollector::add(const YAML::Node& node, std::string key, std::string message) {
  add(node.IsDefined() ? node.Mark() : YAML::Mark::null_mark(), std::move(key), std::move(message));
}

}  // namespace specwatch
