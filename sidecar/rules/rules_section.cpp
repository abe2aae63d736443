#include "sidecar/rules/rules_section.h"

#include <glob.h>

#include <algorithm>
#include <charconv>

#include "sidecar/rules/duration.h"
#include "sidecar/rules/labels.h"
#include "sidecar/rules/rule_file.h"

namespace specwatch {

std::string default_instance(const std::string& pod_ip, const std::string& host_name,
                             std::uint16_t port) {
  const std::string& host = pod_ip.empty() ? host_name : pod_ip;
  return (host.empty() ? std::string("localhost") : host) + ":" + std::to_string(port);
}

void read_rules_section(const YAML::Node& node, const std::string& key_path, RulesConfig& out,
                        ConfigReader& in) {
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(node, key_path,
                        {"enabled", "files", "evaluation_interval", "external_labels",
                         "external_url", "job", "instance", "max_samples"});
  auto key = [&](std::string_view name) { return ConfigReader::join(key_path, name); };
  if (node["enabled"]) {
    if (auto v = in.read_bool(node["enabled"], key("enabled"))) out.enabled = *v;
  }
  if (node["files"]) {
    if (auto v = in.read_path_list(node["files"], key("files"))) out.files = std::move(*v);
  }
  if (const YAML::Node interval = node["evaluation_interval"]) {
    if (auto text = in.read_string(interval, key("evaluation_interval"))) {
      auto ms = rules::parse_duration_ms(*text);
      if (!ms || *ms < 1000) {
        in.errors().add(
            interval, key("evaluation_interval"),
            "must be a duration of at least 1s such as 15s or 1m (got \"" + *text + "\")");
      } else {
        out.evaluation_interval_ms = *ms;
      }
    }
  }
  if (const YAML::Node labels = node["external_labels"]) {
    const std::string labels_key = key("external_labels");
    if (in.expect_map(labels, labels_key)) {
      out.external_labels.clear();
      for (const auto& entry : labels) {
        std::string name = entry.first.Scalar();
        const std::string entry_key = ConfigReader::join(labels_key, name);
        if (!rules::is_valid_label_name(name)) {
          in.errors().add(entry.first, entry_key, "invalid label name");
          continue;
        }
        if (auto value = in.read_string(entry.second, entry_key)) {
          out.external_labels.emplace_back(std::move(name), std::move(*value));
        }
      }
      std::sort(out.external_labels.begin(), out.external_labels.end());
    }
  }
  if (node["external_url"]) {
    if (auto v = in.read_string(node["external_url"], key("external_url")))
      out.external_url = std::move(*v);
  }
  if (node["job"]) {
    if (auto v = in.read_non_empty_string(node["job"], key("job"))) out.job = std::move(*v);
  }
  if (node["instance"]) {
    if (auto v = in.read_non_empty_string(node["instance"], key("instance")))
      out.instance = std::move(*v);
  }
  if (node["max_samples"]) {
    if (auto v = in.read_int(node["max_samples"], key("max_samples"), 1000))
      out.max_samples = static_cast<std::size_t>(*v);
  }
}

std::vector<std::string> expand_rule_files(const RulesConfig& config) {
  std::vector<std::string> files;
  for (const auto& pattern : config.files) {
    glob_t matches{};
    if (::glob(pattern.c_str(), 0, nullptr, &matches) == 0) {
      for (size_t i = 0; i < matches.gl_pathc; ++i) files.emplace_back(matches.gl_pathv[i]);
    }
    ::globfree(&matches);
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

namespace {

// "file:line:column: rest" back into its parts (the loader writes the place first).
ConfigError to_config_error(const std::string& file, const std::string& text) {
  ConfigError error{file, 0, 0, "", text};
  if (text.rfind(file + ":", 0) != 0) return error;
  const char* p = text.data() + file.size() + 1;
  const char* end = text.data() + text.size();
  int line = 0;
  int column = 0;
  auto [after_line, e1] = std::from_chars(p, end, line);
  if (e1 != std::errc() || after_line == end || *after_line != ':') return error;
  auto [after_column, e2] = std::from_chars(after_line + 1, end, column);
  if (e2 != std::errc() || end - after_column < 2 || after_column[0] != ':') return error;
  error.line = line;
  error.column = column;
  error.message = std::string(after_column + 2, end);
  return error;
}

}  // namespace

std::vector<ConfigError> check_rule_files(const RulesConfig& config) {
  std::vector<ConfigError> errors;
  if (!config.enabled) return errors;
  for (const auto& file : expand_rule_files(config)) {
    rules::RuleFileResult result = rules::load_rule_file(file);
    for (const auto& text : result.errors) errors.push_back(to_config_error(file, text));
  }
  return errors;
}

}  // namespace specwatch
