#include "sidecar/config/component_name.h"

namespace specwatch {

bool is_valid_component_name(std::string_view name) {
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (name.empty() || !lower_or_digit(name[0])) return false;
  for (char c : name) {
    if (!lower_or_digit(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

std::optional<std::string> read_component_name(const YAML::Node& entry, const std::string& key_path,
                                               std::string_view kind, ConfigReader& in) {
  const YAML::Node name = in.require(entry, key_path, "name");
  if (!name.IsDefined()) return std::nullopt;
  const std::string key = ConfigReader::join(key_path, "name");
  std::optional<std::string> text = in.read_non_empty_string(name, key);
  if (!text) return std::nullopt;
  if (!is_valid_component_name(*text)) {
    in.errors().add(name, key,
                    "invalid " + std::string(kind) + " name \"" + *text +
                        "\": must match [a-z0-9][a-z0-9_.-]* (it becomes a metric label)");
    return std::nullopt;
  }
  return text;
}

}  // namespace specwatch
