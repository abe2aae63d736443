#include "exporters/file/file_exporter_config.h"

#include "exporters/common/exporter_redaction.h"

namespace specwatch {

const std::vector<std::string>& file_exporter_keys() {
  static const std::vector<std::string> keys = {"path",   "rotate",   "fsync", "include_original",
                                                "redact", "redaction"};
  return keys;
}

namespace {

void read_flag(const YAML::Node& entry, const std::string& key_path, const char* name, bool& out,
               ConfigReader& in) {
  if (const YAML::Node node = entry[name]; node.IsDefined()) {
    if (auto value = in.read_bool(node, ConfigReader::join(key_path, name))) out = *value;
  }
}

void read_rotate(const YAML::Node& rotate, const std::string& key, FileExporterConfig& out,
                 ConfigReader& in) {
  if (!in.expect_map(rotate, key)) return;
  in.check_unknown_keys(rotate, key, {"max_bytes", "max_files"});
  if (const YAML::Node node = rotate["max_bytes"]; node.IsDefined()) {
    if (auto value = in.read_int(node, ConfigReader::join(key, "max_bytes"), 0)) {
      out.rotate_max_bytes = static_cast<std::uint64_t>(*value);
    }
  }
  if (const YAML::Node node = rotate["max_files"]; node.IsDefined()) {
    if (auto value = in.read_int(node, ConfigReader::join(key, "max_files"), 1, 1000)) {
      out.rotate_max_files = static_cast<int>(*value);
    }
  }
}

}  // namespace

void read_file_exporter_config(const YAML::Node& entry, const std::string& key_path,
                               FileExporterConfig& out, ConfigReader& in) {
  if (const YAML::Node path = in.require(entry, key_path, "path"); path.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "path");
    if (auto text = in.read_string(path, key)) {
      if (*text == FileExporterConfig::kStdout) {
        out.path = *text;
      } else if (auto resolved = in.read_path(path, key)) {
        out.path = *resolved;
      }
    }
  }
  if (const YAML::Node rotate = entry["rotate"]; rotate.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "rotate");
    if (out.to_stdout()) {
      in.errors().add(rotate, key, "standard output (path \"-\") cannot be rotated");
    } else {
      read_rotate(rotate, key, out, in);
    }
  }
  read_flag(entry, key_path, "fsync", out.fsync, in);
  read_flag(entry, key_path, "include_original", out.include_original, in);
  read_flag(entry, key_path, "redact", out.redact, in);
  read_exporter_redaction(entry, key_path, out.redaction, in);
}

}  // namespace specwatch
