#include "sidecar/config/config_reader.h"

#include <charconv>
#include <filesystem>
#include <map>
#include <system_error>

namespace specwatch {
namespace {

std::string in_quotes(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

std::string absolute_dir(std::string dir) {
  std::error_code ec;
  std::filesystem::path path(dir.empty() ? "." : dir);
  if (path.is_relative()) {
    std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    if (!ec) path = absolute;
  }
  std::string out = path.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace

ConfigReader::ConfigReader(ErrorCollector& errors, Environment env, std::string base_dir,
                           bool expand)
    : errors_(errors),
      env_(std::move(env)),
      base_dir_(absolute_dir(std::move(base_dir))),
      expand_(expand) {}

std::string ConfigReader::join(const std::string& key_path, std::string_view name) {
  if (key_path.empty()) return std::string(name);
  return key_path + "." + std::string(name);
}

std::string ConfigReader::index(const std::string& key_path, std::size_t i) {
  return key_path + "[" + std::to_string(i) + "]";
}

std::string ConfigReader::describe(const YAML::Node& node) {
  // A missing key's node is invalid and throws on Type(); describe it instead.
  if (!node.IsDefined()) return "nothing";
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return in_quotes(node.Scalar());
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "null";
}

std::string ConfigReader::one_of_message(const std::vector<std::string_view>& names,
                                         std::string_view got) {
  std::string message = "must be one of: ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) message += ", ";
    message += names[i];
  }
  return message + " (got " + in_quotes(got) + ")";
}

std::optional<std::string> ConfigReader::scalar(const YAML::Node& node, const std::string& key,
                                                std::string_view expected) {
  if (!node.IsDefined() || !node.IsScalar()) {
    errors_.add(node, key, std::string(expected) + ", got " + describe(node));
    return std::nullopt;
  }
  if (!expand_) return node.Scalar();
  Expansion expansion = expand_variables(node.Scalar(), env_);
  if (!expansion.errors.empty()) {
    for (std::string& message : expansion.errors) errors_.add(node, key, std::move(message));
    return std::nullopt;
  }
  return std::move(expansion.text);
}

std::optional<std::string> ConfigReader::read_string(const YAML::Node& node,
                                                     const std::string& key) {
  return scalar(node, key, "expected a string");
}

std::optional<std::string> ConfigReader::read_non_empty_string(const YAML::Node& node,
                                                               const std::string& key) {
  std::optional<std::string> text = read_string(node, key);
  if (text && text->empty()) {
    errors_.add(node, key, "must not be empty");
    return std::nullopt;
  }
  return text;
}

std::optional<std::int64_t> ConfigReader::read_int(const YAML::Node& node, const std::string& key,
                                                   std::int64_t min, std::int64_t max) {
  std::optional<std::string> text = scalar(node, key, "expected an integer");
  if (!text) return std::nullopt;
  std::string_view digits = *text;
  if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-') digits.remove_prefix(1);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  const bool all_digits = !digits.empty() && end == digits.data() + digits.size();
  if (ec == std::errc::result_out_of_range && all_digits) {
    const bool negative = digits.starts_with('-');
    errors_.add(node, key,
                negative ? "must be at least " + std::to_string(min) + ", got " + *text
                         : "must be at most " + std::to_string(max) + ", got " + *text);
    return std::nullopt;
  }
  if (ec != std::errc() || !all_digits) {
    errors_.add(node, key, "expected an integer, got " + in_quotes(*text));
    return std::nullopt;
  }
  if (value < min) {
    errors_.add(node, key, "must be at least " + std::to_string(min) + ", got " + *text);
    return std::nullopt;
  }
  if (value > max) {
    errors_.add(node, key, "must be at most " + std::to_string(max) + ", got " + *text);
    return std::nullopt;
  }
  return value;
}

std::optional<bool> ConfigReader::read_bool(const YAML::Node& node, const std::string& key) {
  std::optional<std::string> text = scalar(node, key, "expected true or false");
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "True" || *text == "TRUE") return true;
  if (*text == "false" || *text == "False" || *text == "FALSE") return false;
  errors_.add(node, key, "expected true or false, got " + in_quotes(*text));
  return std::nullopt;
}

void ConfigReader::read_bool_key(const YAML::Node& map, const std::string& key_path,
                                 const char* name, bool& target) {
  const YAML::Node value = map[name];
  if (!value.IsDefined()) return;
  if (auto flag = read_bool(value, join(key_path, name))) target = *flag;
}

std::optional<std::vector<std::string>> ConfigReader::read_list(const YAML::Node& node,
                                                                const std::string& key,
                                                                ElementReader read_element) {
  if (!node.IsDefined() || !node.IsSequence()) {
    errors_.add(node, key, "expected a list of strings, got " + describe(node));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    std::optional<std::string> element = (this->*read_element)(node[i], index(key, i));
    if (element) {
      out.push_back(std::move(*element));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> ConfigReader::read_string_list(const YAML::Node& node,
                                                                       const std::string& key) {
  return read_list(node, key, &ConfigReader::read_string);
}

std::string ConfigReader::resolve(std::string_view path) const {
  std::filesystem::path p{std::string(path)};
  if (p.is_relative()) p = std::filesystem::path(base_dir_) / p;
  std::string out = p.lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::optional<std::string> ConfigReader::read_path(const YAML::Node& node, const std::string& key) {
  std::optional<std::string> text = read_string(node, key);
  if (!text) return std::nullopt;
  Expansion home = expand_home(*text, env_);
  if (!home.errors.empty()) {
    for (std::string& message : home.errors) errors_.add(node, key, std::move(message));
    return std::nullopt;
  }
  if (home.text.empty()) {
    errors_.add(node, key, "must not be empty");
    return std::nullopt;
  }
  return resolve(home.text);
}

std::optional<std::vector<std::string>> ConfigReader::read_path_list(const YAML::Node& node,
                                                                     const std::string& key) {
  return read_list(node, key, &ConfigReader::read_path);
}

bool ConfigReader::expect_map(const YAML::Node& node, const std::string& key) {
  if (node.IsDefined() && node.IsMap()) return true;
  errors_.add(node, key, "expected a mapping, got " + describe(node));
  return false;
}

void ConfigReader::check_unknown_keys(const YAML::Node& map, const std::string& key_path,
                                      std::initializer_list<std::string_view> allowed) {
  std::vector<std::string> names(allowed.begin(), allowed.end());
  check_unknown_keys(map, key_path, names);
}

void ConfigReader::check_unknown_keys(const YAML::Node& map, const std::string& key_path,
                                      const std::vector<std::string>& allowed) {
  if (!map.IsDefined() || !map.IsMap()) return;
  std::string allowed_text;
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) allowed_text += ", ";
    allowed_text += allowed[i];
  }
  std::map<std::string, int> first_line;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node& key_node = it->first;
    if (!key_node.IsScalar()) {
      errors_.add(key_node, key_path, "keys must be strings, got " + describe(key_node));
      continue;
    }
    const std::string& name = key_node.Scalar();
    const std::string path = join(key_path, name);
    const int line = key_node.Mark().line + 1;
    auto [seen, inserted] = first_line.emplace(name, line);
    if (!inserted) {
      errors_.add(key_node, path,
                  "duplicate key; first written at line " + std::to_string(seen->second));
      continue;
    }
    bool known = false;
    for (const std::string& candidate : allowed) known = known || candidate == name;
    if (!known) errors_.add(key_node, path, "unknown key; allowed keys: " + allowed_text);
  }
}

YAML::Node ConfigReader::require(const YAML::Node& map, const std::string& key_path,
                                 const std::string& name) {
  const YAML::Node value = map[name];
  if (!value.IsDefined()) {
    errors_.add(map, join(key_path, name), "required key is missing");
  }
  return value;
}

}  // namespace specwatch
