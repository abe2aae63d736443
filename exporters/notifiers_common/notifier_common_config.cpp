#include "exporters/notifiers_common/notifier_common_config.h"

#include <stdexcept>

#include "exporters/notifiers_common/http_post.h"
#include "sidecar/rules/duration.h"

namespace specwatch {

const std::vector<std::string>& notifier_common_keys() {
  static const std::vector<std::string> keys = {"match", "queue_size", "timeout", "tls", "retry"};
  return keys;
}

const std::vector<std::string>& repeat_keys() {
  static const std::vector<std::string> keys = {"repeat_interval", "send_resolved"};
  return keys;
}

void read_repeat_settings(const YAML::Node& entry, const std::string& key_path, RepeatSettings& out,
                          ConfigReader& in) {
  if (const YAML::Node n = entry["repeat_interval"]; n.IsDefined()) {
    if (auto v = read_duration(n, ConfigReader::join(key_path, "repeat_interval"),
                               std::chrono::milliseconds(1000), in)) {
      out.repeat_interval = *v;
    }
  }
  if (const YAML::Node n = entry["send_resolved"]; n.IsDefined()) {
    if (auto v = in.read_bool(n, ConfigReader::join(key_path, "send_resolved"))) {
      out.send_resolved = *v;
    }
  }
}

std::optional<rules::LabelMatcher> parse_label_matcher(std::string_view text, std::string& error) {
  std::size_t i = 0;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
    ++i;
  }
  const std::string name(text.substr(0, i));
  if (!rules::is_valid_label_name(name)) {
    error = "expected a label name followed by =, !=, =~ or !~";
    return std::nullopt;
  }
  std::string_view rest = text.substr(i);
  rules::MatchType type;
  if (rest.starts_with("=~")) {
    type = rules::MatchType::kRegexMatch;
    rest.remove_prefix(2);
  } else if (rest.starts_with("!~")) {
    type = rules::MatchType::kRegexNoMatch;
    rest.remove_prefix(2);
  } else if (rest.starts_with("!=")) {
    type = rules::MatchType::kNotEqual;
    rest.remove_prefix(2);
  } else if (rest.starts_with("=")) {
    type = rules::MatchType::kEqual;
    rest.remove_prefix(1);
  } else {
    error = "expected =, !=, =~ or !~ after \"" + name + "\"";
    return std::nullopt;
  }
  std::string value(rest);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  } else if (!value.empty() && value.front() == '"') {
    error = "unterminated quoted value";
    return std::nullopt;
  }
  try {
    return rules::LabelMatcher(type, name, value);
  } catch (const std::invalid_argument& e) {
    error = std::string("invalid regular expression: ") + e.what();
    return std::nullopt;
  }
}

std::optional<std::chrono::milliseconds> read_duration(const YAML::Node& node,
                                                       const std::string& key,
                                                       std::chrono::milliseconds min,
                                                       ConfigReader& in) {
  auto text = in.read_string(node, key);
  if (!text) return std::nullopt;
  auto ms = rules::parse_duration_ms(*text);
  if (!ms) {
    in.errors().add(node, key, "expected a duration such as 30s, 5m or 4h (got \"" + *text + "\")");
    return std::nullopt;
  }
  if (std::chrono::milliseconds(*ms) < min) {
    in.errors().add(
        node, key,
        "must be at least " + rules::format_duration_ms(min.count()) + " (got \"" + *text + "\")");
    return std::nullopt;
  }
  return std::chrono::milliseconds(*ms);
}

void read_url(const YAML::Node& entry, const std::string& key_path, const char* name, bool required,
              std::string& out, ConfigReader& in) {
  const YAML::Node node = required ? in.require(entry, key_path, name) : entry[name];
  if (!node.IsDefined()) return;
  const std::string key = ConfigReader::join(key_path, name);
  if (auto text = in.read_non_empty_string(node, key)) {
    std::string error;
    if (HttpUrl::parse(*text, error)) {
      out = *text;
    } else {
      in.errors().add(node, key, "invalid URL: " + error);
    }
  }
}

std::vector<std::string> with_repeat_keys(std::vector<std::string> keys) {
  keys.insert(keys.end(), repeat_keys().begin(), repeat_keys().end());
  return keys;
}

void read_secret_path(const YAML::Node& entry, const std::string& key_path, const char* name,
                      bool required, std::string& out, ConfigReader& in) {
  const YAML::Node node = required ? in.require(entry, key_path, name) : entry[name];
  if (!node.IsDefined()) return;
  if (auto path = in.read_path(node, ConfigReader::join(key_path, name))) out = *path;
}

void read_tls_settings(const YAML::Node& node, const std::string& key, TlsSettings& out,
                       ConfigReader& in) {
  if (!in.expect_map(node, key)) return;
  in.check_unknown_keys(node, key, {"ca_file", "insecure_skip_verify"});
  if (const YAML::Node ca = node["ca_file"]; ca.IsDefined()) {
    if (auto path = in.read_path(ca, ConfigReader::join(key, "ca_file"))) out.ca_file = *path;
  }
  if (const YAML::Node skip = node["insecure_skip_verify"]; skip.IsDefined()) {
    if (auto value = in.read_bool(skip, ConfigReader::join(key, "insecure_skip_verify"))) {
      out.insecure_skip_verify = *value;
    }
  }
}

namespace {

void read_match(const YAML::Node& node, const std::string& key, NotifierCommonConfig& out,
                ConfigReader& in) {
  auto texts = in.read_string_list(node, key);
  if (!texts) return;
  out.match.clear();
  for (std::size_t i = 0; i < texts->size(); ++i) {
    std::string error;
    if (auto matcher = parse_label_matcher((*texts)[i], error)) {
      out.match.push_back(std::move(*matcher));
    } else {
      in.errors().add(node[i], ConfigReader::index(key, i),
                      "invalid matcher \"" + (*texts)[i] + "\": " + error);
    }
  }
}

void read_retry(const YAML::Node& node, const std::string& key, RetrySettings& out,
                ConfigReader& in) {
  if (!in.expect_map(node, key)) return;
  in.check_unknown_keys(node, key, {"max_attempts", "initial_backoff", "max_backoff"});
  if (const YAML::Node n = node["max_attempts"]; n.IsDefined()) {
    if (auto v = in.read_int(n, ConfigReader::join(key, "max_attempts"), 1, 100)) {
      out.max_attempts = static_cast<int>(*v);
    }
  }
  using std::chrono::milliseconds;
  if (const YAML::Node n = node["initial_backoff"]; n.IsDefined()) {
    if (auto v =
            read_duration(n, ConfigReader::join(key, "initial_backoff"), milliseconds(1), in)) {
      out.initial_backoff = *v;
    }
  }
  if (const YAML::Node n = node["max_backoff"]; n.IsDefined()) {
    if (auto v = read_duration(n, ConfigReader::join(key, "max_backoff"), milliseconds(1), in)) {
      out.max_backoff = *v;
    }
  }
  if (out.max_backoff < out.initial_backoff) {
    in.errors().add(node, key, "max_backoff must not be shorter than initial_backoff");
  }
}

}  // namespace

void read_notifier_common_config(const YAML::Node& entry, const std::string& key_path,
                                 std::string_view default_match, NotifierCommonConfig& out,
                                 ConfigReader& in) {
  if (const YAML::Node match = entry["match"]; match.IsDefined()) {
    read_match(match, ConfigReader::join(key_path, "match"), out, in);
  } else if (!default_match.empty()) {
    std::string error;
    if (auto matcher = parse_label_matcher(default_match, error)) out.match = {*matcher};
  }
  if (const YAML::Node n = entry["queue_size"]; n.IsDefined()) {
    if (auto v = in.read_int(n, ConfigReader::join(key_path, "queue_size"), 1, 100000)) {
      out.queue_size = static_cast<std::size_t>(*v);
    }
  }
  if (const YAML::Node n = entry["timeout"]; n.IsDefined()) {
    if (auto v = read_duration(n, ConfigReader::join(key_path, "timeout"),
                               std::chrono::milliseconds(1), in)) {
      out.timeout = *v;
    }
  }
  if (const YAML::Node n = entry["tls"]; n.IsDefined()) {
    read_tls_settings(n, ConfigReader::join(key_path, "tls"), out.tls, in);
  }
  if (const YAML::Node n = entry["retry"]; n.IsDefined()) {
    read_retry(n, ConfigReader::join(key_path, "retry"), out.retry, in);
  }
}

}  // namespace specwatch
