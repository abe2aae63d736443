// Typed readers shared by every configuration section. Each reader expands `${VAR}` in the
// scalar first, then checks its type and range; a problem is reported to the ErrorCollector
// with the node's place and the key path, and the reader returns nullopt so that the caller
// simply leaves the default in place and goes on (every problem is collected, not just the first).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sidecar/config/config_error.h"
#include "sidecar/config/environment.h"

namespace specwatch {

class ConfigReader {
 public:
  // `base_dir` is the directory relative paths resolve against (the config file's directory);
  // it is made absolute against the current directory if it is not. `expand` false reads
  // scalars literally (values that come from the environment are not expanded again).
  ConfigReader(ErrorCollector& errors, Environment env, std::string base_dir, bool expand = true);

  ErrorCollector& errors() { return errors_; }
  const Environment& environment() const { return env_; }
  const std::string& base_dir() const { return base_dir_; }

  // The expanded text of a scalar; reports 'expected a string, got ...' for other nodes.
  std::optional<std::string> read_string(const YAML::Node& node, const std::string& key);
  // Same, and the text must not be empty.
  std::optional<std::string> read_non_empty_string(const YAML::Node& node, const std::string& key);
  // Decimal integer within [min, max] (quoted or not, after expansion).
  std::optional<std::int64_t> read_int(const YAML::Node& node, const std::string& key,
                                       std::int64_t min,
                                       std::int64_t max = std::numeric_limits<std::int64_t>::max());
  // true or false (also True/TRUE/False/FALSE).
  std::optional<bool> read_bool(const YAML::Node& node, const std::string& key);
  // A list whose elements are all scalars; element problems name `key[i]`.
  std::optional<std::vector<std::string>> read_string_list(const YAML::Node& node,
                                                           const std::string& key);
  // A path: `${VAR}` expansion, a leading "~/" means $HOME, a relative path resolves against
  // base_dir; the result is lexically normalized. Empty text is an error.
  std::optional<std::string> read_path(const YAML::Node& node, const std::string& key);
  // Same as read_path for every element of a list.
  std::optional<std::vector<std::string>> read_path_list(const YAML::Node& node,
                                                         const std::string& key);
  // The optional integer `name` of mapping `map` into `target`, when written and within
  // [min, max]; the key in messages is `key_path.name`.
  template <typename T>
  void read_int_key(const YAML::Node& map, const std::string& key_path, const char* name,
                    std::int64_t min, std::int64_t max, T& target) {
    const YAML::Node value = map[name];
    if (!value.IsDefined()) return;
    if (auto number = read_int(value, join(key_path, name), min, max)) {
      target = static_cast<T>(*number);
    }
  }
  // The optional boolean `name` of mapping `map` into `target`, when written and valid.
  void read_bool_key(const YAML::Node& map, const std::string& key_path, const char* name,
                     bool& target);
  // One of the given names (exact, case-sensitive):
  // 'must be one of: a, b, c (got "x")'.
  template <typename T>
  std::optional<T> read_enum(const YAML::Node& node, const std::string& key,
                             std::initializer_list<std::pair<std::string_view, T>> allowed) {
    std::optional<std::string> text = read_string(node, key);
    if (!text) return std::nullopt;
    for (const auto& [name, value] : allowed) {
      if (name == *text) return value;
    }
    std::vector<std::string_view> names;
    for (const auto& entry : allowed) names.push_back(entry.first);
    errors_.add(node, key, one_of_message(names, *text));
    return std::nullopt;
  }

  // True if the node is a mapping; otherwise reports 'expected a mapping, got ...'.
  bool expect_map(const YAML::Node& node, const std::string& key);
  // Reports every key of `map` not in `allowed` ("unknown key; allowed keys: a, b") and every
  // key written twice, at the key's place. Keys in `map` are read literally (not expanded).
  void check_unknown_keys(const YAML::Node& map, const std::string& key_path,
                          std::initializer_list<std::string_view> allowed);
  void check_unknown_keys(const YAML::Node& map, const std::string& key_path,
                          const std::vector<std::string>& allowed);
  // Reports "required key is missing" at the mapping's place when `map` has no `name` key.
  // Returns the value node (undefined when missing).
  YAML::Node require(const YAML::Node& map, const std::string& key_path, const std::string& name);

  // Resolves a (possibly relative) path against base_dir and normalizes it.
  std::string resolve(std::string_view path) const;

  // "a" + "b" → "a.b"; "" + "b" → "b".
  static std::string join(const std::string& key_path, std::string_view name);
  // "a" + 2 → "a[2]".
  static std::string index(const std::string& key_path, std::size_t i);
  // How a node is shown in messages: "\"text\"", "a list", "a mapping", "null".
  static std::string describe(const YAML::Node& node);
  static std::string one_of_message(const std::vector<std::string_view>& names,
                                    std::string_view got);

 private:
  // The expanded scalar text; reports `expected` + describe(node) for non-scalars.
  std::optional<std::string> scalar(const YAML::Node& node, const std::string& key,
                                    std::string_view expected);
  // The one reader of lists behind read_string_list and read_path_list: every element read by
  // `read_element`, element problems named `key[i]`.
  using ElementReader = std::optional<std::string> (ConfigReader::*)(const YAML::Node&,
                                                                     const std::string&);
  std::optional<std::vector<std::string>> read_list(const YAML::Node& node, const std::string& key,
                                                    ElementReader read_element);

  ErrorCollector& errors_;
  Environment env_;
  std::string base_dir_;
  bool expand_;
};

}  // namespace specwatch
