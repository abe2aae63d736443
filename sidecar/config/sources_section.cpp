// The `sources` section: a list of file sources, each tailed by the file source.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <map>

#include "sidecar/config/config_sections.h"
#include "sidecar/core/glob.h"

namespace specwatch {
namespace {

const std::vector<std::string>& source_keys() {
  static const std::vector<std::string> keys = {"name",
                                                "include",
                                                "exclude",
                                                "framing",
                                                "start_at",
                                                "service",
                                                "profile",
                                                "max_record_bytes",
                                                "document_key",
                                                "document_max_bytes",
                                                "document_seen_limit",
                                                "checkpoint"};
  return keys;
}

// The watcher starts from the pattern's fixed leading directory. A directory that does not
// exist yet is fine (the traced tool may not be installed yet); one that exists but cannot be
// listed would silently never deliver anything, so it is reported now.
std::optional<std::string> check_include_prefix(const std::string& pattern) {
  const std::string prefix = fixed_prefix_dir(pattern);
  struct stat info {};
  if (::stat(prefix.c_str(), &info) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    return "cannot access " + prefix + ": " + std::strerror(errno);
  }
  if (!S_ISDIR(info.st_mode)) return prefix + " exists but is not a directory";
  if (::access(prefix.c_str(), R_OK | X_OK) != 0) {
    return "directory " + prefix + " is not readable and searchable: " + std::strerror(errno);
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> read_patterns(const YAML::Node& node,
                                                      const std::string& key, bool check_prefix,
                                                      ConfigReader& in) {
  std::optional<std::vector<std::string>> patterns = in.read_path_list(node, key);
  if (!patterns) return std::nullopt;
  bool ok = true;
  for (std::size_t i = 0; i < patterns->size(); ++i) {
    const std::string& pattern = (*patterns)[i];
    std::optional<std::string> problem = validate_glob(pattern);
    if (!problem && check_prefix) problem = check_include_prefix(pattern);
    if (problem) {
      in.errors().add(node[i], ConfigReader::index(key, i), *problem);
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return patterns;
}

template <typename T>
void read_size(const YAML::Node& map, const std::string& key_path, const char* name, T& target,
               ConfigReader& in) {
  const YAML::Node value = map[name];
  if (!value.IsDefined()) return;
  if (auto number = in.read_int(value, ConfigReader::join(key_path, name), 1)) {
    target = static_cast<T>(*number);
  }
}

void read_source(const YAML::Node& item, const std::string& key_path, FileSourceConfig& source,
                 ConfigReader& in) {
  in.check_unknown_keys(item, key_path, source_keys());
  source.line = item.Mark().line + 1;

  if (const YAML::Node name = in.require(item, key_path, "name"); name.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "name");
    if (auto text = in.read_non_empty_string(name, key)) {
      if (is_valid_source_name(*text)) {
        source.name = *text;
      } else {
        in.errors().add(name, key,
                        "invalid source name \"" + *text +
                            "\": must match [a-z0-9][a-z0-9_.-]* (it becomes a metric label)");
      }
    }
  }
  if (const YAML::Node include = in.require(item, key_path, "include"); include.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "include");
    if (auto patterns = read_patterns(include, key, true, in)) {
      if (patterns->empty()) {
        in.errors().add(include, key, "must not be empty");
      } else {
        source.include = std::move(*patterns);
      }
    }
  }
  if (const YAML::Node exclude = item["exclude"]; exclude.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "exclude");
    if (auto patterns = read_patterns(exclude, key, false, in)) source.exclude = *patterns;
  }
  if (const YAML::Node framing = item["framing"]; framing.IsDefined()) {
    auto value = in.read_enum<Framing>(framing, ConfigReader::join(key_path, "framing"),
                                       {{"ndjson", Framing::kNdjson},
                                        {"json-stream", Framing::kJsonStream},
                                        {"json-document", Framing::kJsonDocument},
                                        {"lines", Framing::kLines}});
    if (value) source.framing = *value;
  }
  if (const YAML::Node start_at = item["start_at"]; start_at.IsDefined()) {
    auto value =
        in.read_enum<StartAt>(start_at, ConfigReader::join(key_path, "start_at"),
                              {{"beginning", StartAt::kBeginning}, {"end", StartAt::kEnd}});
    if (value) source.start_at = *value;
  }
  if (const YAML::Node service = item["service"]; service.IsDefined()) {
    if (auto text = in.read_non_empty_string(service, ConfigReader::join(key_path, "service"))) {
      source.service = *text;
    }
  }
  if (const YAML::Node profile = item["profile"]; profile.IsDefined()) {
    if (auto text = in.read_string(profile, ConfigReader::join(key_path, "profile"))) {
      source.profile = *text;
    }
  }
  read_size(item, key_path, "max_record_bytes", source.max_record_bytes, in);
  if (const YAML::Node document_key = item["document_key"]; document_key.IsDefined()) {
    if (auto text = in.read_string(document_key, ConfigReader::join(key_path, "document_key"))) {
      source.document_key = *text;
    }
  }
  read_size(item, key_path, "document_max_bytes", source.document_max_bytes, in);
  read_size(item, key_path, "document_seen_limit", source.document_seen_limit, in);
  if (const YAML::Node checkpoint = item["checkpoint"]; checkpoint.IsDefined()) {
    if (auto value = in.read_bool(checkpoint, ConfigReader::join(key_path, "checkpoint"))) {
      source.checkpoint = *value;
    }
  }
  if (source.service.empty()) source.service = source.name;
}

}  // namespace

bool is_valid_source_name(std::string_view name) {
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (name.empty() || !lower_or_digit(name[0])) return false;
  for (char c : name) {
    if (!lower_or_digit(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

void read_sources_section(const YAML::Node& node, const std::string& key_path, Config& out,
                          ConfigReader& in) {
  if (!node.IsDefined() || !node.IsSequence()) {
    in.errors().add(node, key_path,
                    "expected a list of sources, got " + ConfigReader::describe(node));
    return;
  }
  std::map<std::string, int> first_line;  // source name → line of its entry
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string item_path = ConfigReader::index(key_path, i);
    if (!in.expect_map(item, item_path)) continue;
    FileSourceConfig source;
    read_source(item, item_path, source, in);
    if (!source.name.empty()) {
      auto [seen, inserted] = first_line.emplace(source.name, source.line);
      if (!inserted) {
        in.errors().add(item["name"], ConfigReader::join(item_path, "name"),
                        "duplicate source name \"" + source.name + "\"; first defined at line " +
                            std::to_string(seen->second));
      }
    }
    out.sources.push_back(std::move(source));
  }
}

}  // namespace specwatch
