#include "sidecar/redact/user_pattern_section.h"

#include "sidecar/redact/redaction_patterns.h"

namespace specwatch {
namespace {

std::optional<std::string> read_name(const YAML::Node& entry, const std::string& entry_key,
                                     const std::vector<UserPattern>& earlier,
                                     const std::vector<int>& earlier_lines, ConfigReader& in) {
  const YAML::Node node = in.require(entry, entry_key, "name");
  if (!node.IsDefined()) return std::nullopt;
  const std::string key = ConfigReader::join(entry_key, "name");
  std::optional<std::string> name = in.read_non_empty_string(node, key);
  if (!name) return std::nullopt;
  if (!is_valid_pattern_name(*name)) {
    in.errors().add(node, key,
                    "invalid pattern name \"" + *name +
                        "\": must match [a-z][a-z0-9_]* and be at most 64 characters (it is a "
                        "label value and part of the marker)");
    return std::nullopt;
  }
  if (find_builtin_pattern(*name)) {
    in.errors().add(node, key, "\"" + *name + "\" is the name of a built-in pattern");
    return std::nullopt;
  }
  for (std::size_t i = 0; i < earlier.size(); ++i) {
    if (earlier[i].name == *name) {
      in.errors().add(node, key,
                      "duplicate pattern name \"" + *name + "\"; first defined at line " +
                          std::to_string(earlier_lines[i]));
      return std::nullopt;
    }
  }
  return name;
}

void read_prefix(const YAML::Node& entry, const std::string& entry_key, UserPattern& out,
                 ConfigReader& in) {
  const YAML::Node node = in.require(entry, entry_key, "prefix");
  if (!node.IsDefined()) return;
  const std::string key = ConfigReader::join(entry_key, "prefix");
  std::optional<std::string> prefix = in.read_string(node, key);
  if (!prefix) return;
  if (!is_printable_ascii_word(*prefix)) {
    in.errors().add(node, key, "must be printable ASCII without spaces (got \"" + *prefix + "\")");
  } else if (prefix->size() < kMinUserPatternPrefix) {
    in.errors().add(node, key, "must be at least 3 bytes (got \"" + *prefix + "\")");
  }
  out.prefix = *prefix;
}

void read_charset(const YAML::Node& entry, const std::string& entry_key, UserPattern& out,
                  ConfigReader& in) {
  const YAML::Node node = entry["charset"];
  if (!node.IsDefined()) return;
  const std::string key = ConfigReader::join(entry_key, "charset");
  std::optional<std::string> charset = in.read_string(node, key);
  if (!charset) return;
  std::string problem;
  if (std::optional<ByteSet> body = parse_charset(*charset, problem)) {
    out.charset = *charset;
    out.body = *body;
  } else {
    in.errors().add(node, key, problem);
  }
}

void read_lengths(const YAML::Node& entry, const std::string& entry_key, UserPattern& out,
                  ConfigReader& in) {
  in.read_int_key(entry, entry_key, "min_length", 1, kMaxUserPatternLength, out.min_length);
  in.read_int_key(entry, entry_key, "max_length", 1, kMaxUserPatternLength, out.max_length);
  if (out.min_length <= out.max_length) return;
  const bool min_written = entry["min_length"].IsDefined();
  in.errors().add(min_written ? entry["min_length"] : entry["max_length"],
                  ConfigReader::join(entry_key, min_written ? "min_length" : "max_length"),
                  "min_length " + std::to_string(out.min_length) + " is greater than max_length " +
                      std::to_string(out.max_length));
}

}  // namespace

void read_user_patterns(const YAML::Node& list, const std::string& key,
                        std::vector<UserPattern>& out, ConfigReader& in) {
  if (!list.IsSequence()) {
    in.errors().add(list, key, "expected a list, got " + ConfigReader::describe(list));
    return;
  }
  if (list.size() > kMaxUserPatterns) {
    in.errors().add(list, key,
                    "at most " + std::to_string(kMaxUserPatterns) + " patterns (the redactor has " +
                        std::to_string(kMaxRedactionPatterns) + ", " +
                        std::to_string(kBuiltinPatternCount) + " of them built in), got " +
                        std::to_string(list.size()));
  }
  std::vector<int> lines;  // where each name of `out` was written, for the duplicate message
  for (std::size_t i = 0; i < list.size() && out.size() < kMaxUserPatterns; ++i) {
    const std::string entry_key = ConfigReader::index(key, i);
    const YAML::Node entry = list[i];
    if (!in.expect_map(entry, entry_key)) continue;
    in.check_unknown_keys(entry, entry_key,
                          {"name", "prefix", "charset", "min_length", "max_length"});
    UserPattern pattern;
    std::optional<std::string> name = read_name(entry, entry_key, out, lines, in);
    read_prefix(entry, entry_key, pattern, in);
    read_charset(entry, entry_key, pattern, in);
    read_lengths(entry, entry_key, pattern, in);
    if (!name) continue;
    pattern.name = *name;
    out.push_back(std::move(pattern));
    lines.push_back(entry["name"].Mark().line + 1);
  }
}

}  // namespace specwatch
