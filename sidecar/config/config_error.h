// Problems found while loading a configuration, each with the place it was written and the full
// dotted key path, so that `specwatch validate` can list every one of them at once.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace specwatch {

// File name used for problems in SPECWATCH_* override variables.
inline constexpr const char* kEnvironmentFile = "<env>";

struct ConfigError {
  std::string file;
  int line = 0;     // 1-based; 0 when the problem has no place in the file
  int column = 0;   // 1-based; 0 when the problem has no place in the file
  std::string key;  // dotted path such as "sources[2].framing"; empty for syntax errors
  std::string message;

  // "file:line:column: key: message" ("file:line:column: message" when key is empty).
  std::string to_string() const;

  bool operator==(const ConfigError&) const = default;
};

// Collects every problem instead of stopping at the first. Section parsers report through it.
class ErrorCollector {
 public:
  explicit ErrorCollector(std::string file) : file_(std::move(file)) {}

  // yaml-cpp marks are 0-based; they are stored 1-based. A null mark (a node built in code, such
  // as an override value) is stored as line 0, column 0.
  void add(const YAML::Mark& mark, std::string key, std::string message);
  void add(const YAML::Node& node, std::string key, std::string message);
  void add(ConfigError error) { errors_.push_back(std::move(error)); }

  const std::string& file() const { return file_; }
  const std::vector<ConfigError>& errors() const { return errors_; }
  std::size_t size() const { return errors_.size(); }
  bool empty() const { return errors_.empty(); }
  std::vector<ConfigError> take() { return std::move(errors_); }

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
};

}  // namespace specwatch
