#include "sidecar/derive/derive_error.h"

#include <utility>

namespace specwatch {

std::string DeriveError::to_string() const {
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  return out;
}

DeriveError make_derive_error(const std::string& file, const YAML::Mark& mark, std::string key,
                              std::string message) {
  DeriveError error;
  error.file = file;
  if (!mark.is_null()) {
    error.line = mark.line + 1;
    error.column = mark.column + 1;
  }
  error.key = std::move(key);
  error.message = std::move(message);
  return error;
}

}  // namespace specwatch
