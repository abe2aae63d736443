#include "sidecar/config/config_sections.h"

#include <climits>
#include <stdexcept>
#include <variant>

#include "sidecar/config/derivation_sections.h"
#include "sidecar/config/listen_address.h"

namespace specwatch {

void ConfigSections::add(std::string key, SectionParser parser) {
  if (find(key) != nullptr) throw std::logic_error("config section registered twice: " + key);
  sections_.emplace_back(std::move(key), std::move(parser));
}

const SectionParser* ConfigSections::find(std::string_view key) const {
  for (const auto& [name, parser] : sections_) {
    if (name == key) return &parser;
  }
  return nullptr;
}

std::vector<std::string> ConfigSections::keys() const {
  std::vector<std::string> out;
  out.reserve(sections_.size());
  for (const auto& entry : sections_) out.push_back(entry.first);
  return out;
}

namespace {

constexpr std::int64_t kIntMax = INT_MAX;

// Reads an optional integer field of a mapping into `target` when present and valid.
template <typename T>
void read_int_field(const YAML::Node& map, const std::string& key_path, const char* name,
                    std::int64_t min, std::int64_t max, T& target, ConfigReader& in) {
  const YAML::Node value = map[name];
  if (!value.IsDefined()) return;
  if (auto number = in.read_int(value, ConfigReader::join(key_path, name), min, max)) {
    target = static_cast<T>(*number);
  }
}

void read_http(const YAML::Node& node, const std::string& key_path, Config& out, ConfigReader& in) {
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(node, key_path, {"listen", "header_timeout_ms"});
  const YAML::Node listen = node["listen"];
  if (listen.IsDefined()) read_http_listen(listen, ConfigReader::join(key_path, "listen"), out, in);
  read_int_field(node, key_path, "header_timeout_ms", 1, 600000, out.http.header_timeout_ms, in);
}

void read_tail(const YAML::Node& node, const std::string& key_path, Config& out, ConfigReader& in) {
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(
      node, key_path,
      {"poll_interval_ms", "inotify", "checkpoint_interval_ms", "read_buffer_bytes",
       "fingerprint_bytes", "rotate_wait_ms", "max_open_files", "follow_symlinks"});
  TailConfig& tail = out.tail;
  read_int_field(node, key_path, "poll_interval_ms", 1, kIntMax, tail.poll_interval_ms, in);
  if (const YAML::Node inotify = node["inotify"]; inotify.IsDefined()) {
    if (auto value = in.read_bool(inotify, ConfigReader::join(key_path, "inotify"))) {
      tail.inotify = *value;
    }
  }
  read_int_field(node, key_path, "checkpoint_interval_ms", 1, kIntMax, tail.checkpoint_interval_ms,
                 in);
  read_int_field(node, key_path, "read_buffer_bytes", 1, INT64_MAX, tail.read_buffer_bytes, in);
  read_int_field(node, key_path, "fingerprint_bytes", 1, INT64_MAX, tail.fingerprint_bytes, in);
  read_int_field(node, key_path, "rotate_wait_ms", 0, kIntMax, tail.rotate_wait_ms, in);
  read_int_field(node, key_path, "max_open_files", 1, 1048576, tail.max_open_files, in);
  if (const YAML::Node follow = node["follow_symlinks"]; follow.IsDefined()) {
    if (auto value = in.read_bool(follow, ConfigReader::join(key_path, "follow_symlinks"))) {
      tail.follow_symlinks = *value;
    }
  }
}

void read_pipeline(const YAML::Node& node, const std::string& key_path, Config& out,
                   ConfigReader& in) {
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(node, key_path,
                        {"queue_max_batches", "queue_max_bytes", "batch_max_records"});
  PipelineConfig& pipeline = out.pipeline;
  read_int_field(node, key_path, "queue_max_batches", 1, INT64_MAX, pipeline.queue_max_batches, in);
  read_int_field(node, key_path, "queue_max_bytes", 1, INT64_MAX, pipeline.queue_max_bytes, in);
  read_int_field(node, key_path, "batch_max_records", 1, INT64_MAX, pipeline.batch_max_records, in);
}

}  // namespace

void read_http_listen(const YAML::Node& node, const std::string& key, Config& out,
                      ConfigReader& in) {
  std::optional<std::string> text = in.read_string(node, key);
  if (!text) return;
  auto parsed = parse_listen_address(*text);
  if (auto* message = std::get_if<std::string>(&parsed)) {
    in.errors().add(node, key, *message);
    return;
  }
  const auto& address = std::get<ListenAddress>(parsed);
  out.http.listen = *text;
  out.http.host = address.host;
  out.http.port = address.port;
}

void read_state_dir(const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in) {
  if (auto path = in.read_path(node, key)) out.state_dir = *path;
}

void read_log_level(const YAML::Node& node, const std::string& key, Config& out, ConfigReader& in) {
  auto level = in.read_enum<LogLevel>(node, key,
                                      {{"debug", LogLevel::kDebug},
                                       {"info", LogLevel::kInfo},
                                       {"warn", LogLevel::kWarn},
                                       {"error", LogLevel::kError}});
  if (level) out.log_level = *level;
}

void read_shutdown_timeout_ms(const YAML::Node& node, const std::string& key, Config& out,
                              ConfigReader& in) {
  if (auto value = in.read_int(node, key, 0, kIntMax)) {
    out.shutdown_timeout_ms = static_cast<int>(*value);
  }
}

ConfigSections builtin_config_sections() {
  ConfigSections sections;
  sections.add("http", read_http);
  sections.add("state_dir", read_state_dir);
  sections.add("log_level", read_log_level);
  sections.add("shutdown_timeout_ms", read_shutdown_timeout_ms);
  sections.add("tail", read_tail);
  sections.add("pipeline", read_pipeline);
  sections.add("sources", read_sources_section);
  sections.add("profiles", read_profiles_section);
  sections.add("pricing", read_pricing_section);
  sections.add("cardinality", read_cardinality_section);
  sections.add("redaction", read_redaction_section);
  return sections;
}

}  // namespace specwatch
