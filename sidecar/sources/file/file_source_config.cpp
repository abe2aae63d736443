#include "sidecar/sources/file/file_source_config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "sidecar/config/component_name.h"
#include "sidecar/core/glob.h"

namespace specwatch {

const std::vector<std::string>& file_source_keys() {
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

namespace {

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

}  // namespace

void read_file_source(const YAML::Node& item, const std::string& key_path, FileSourceConfig& source,
                      ConfigReader& in) {
  source.line = item.Mark().line + 1;

  if (auto name = read_component_name(item, key_path, "source", in)) source.name = *name;
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
  in.read_int_key(item, key_path, "max_record_bytes", 1, INT64_MAX, source.max_record_bytes);
  if (const YAML::Node document_key = item["document_key"]; document_key.IsDefined()) {
    if (auto text = in.read_string(document_key, ConfigReader::join(key_path, "document_key"))) {
      source.document_key = *text;
    }
  }
  in.read_int_key(item, key_path, "document_max_bytes", 1, INT64_MAX, source.document_max_bytes);
  in.read_int_key(item, key_path, "document_seen_limit", 1, INT64_MAX, source.document_seen_limit);
  in.read_bool_key(item, key_path, "checkpoint", source.checkpoint);
  if (source.service.empty()) source.service = source.name;
}

void read_tail_section(const YAML::Node& node, const std::string& key_path, TailConfig& tail,
                       ConfigReader& in) {
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(
      node, key_path,
      {"poll_interval_ms", "inotify", "checkpoint_interval_ms", "read_buffer_bytes",
       "fingerprint_bytes", "rotate_wait_ms", "max_open_files", "follow_symlinks"});
  constexpr std::int64_t kIntMax = INT_MAX;
  in.read_int_key(node, key_path, "poll_interval_ms", 1, kIntMax, tail.poll_interval_ms);
  in.read_bool_key(node, key_path, "inotify", tail.inotify);
  in.read_int_key(node, key_path, "checkpoint_interval_ms", 1, kIntMax,
                  tail.checkpoint_interval_ms);
  in.read_int_key(node, key_path, "read_buffer_bytes", 1, INT64_MAX, tail.read_buffer_bytes);
  in.read_int_key(node, key_path, "fingerprint_bytes", 1, INT64_MAX, tail.fingerprint_bytes);
  in.read_int_key(node, key_path, "rotate_wait_ms", 0, kIntMax, tail.rotate_wait_ms);
  in.read_int_key(node, key_path, "max_open_files", 1, 1048576, tail.max_open_files);
  in.read_bool_key(node, key_path, "follow_symlinks", tail.follow_symlinks);
}

}  // namespace specwatch
