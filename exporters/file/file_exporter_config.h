// The file exporter's settings (exporters/file/README.md has the table): where the NDJSON goes,
// when it rotates, whether each batch is fsynced before it is acknowledged, whether the raw record
// is included and whether documents are redacted.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/config/config_reader.h"
#include "sidecar/redact/redaction_patterns.h"

namespace specwatch {

struct FileExporterConfig {
  static constexpr std::string_view kStdout = "-";

  std::string path;  // absolute after loading, or "-" for standard output
  // Rotate before a document would take the file beyond this size; 0: never rotate.
  std::uint64_t rotate_max_bytes = 104857600;
  int rotate_max_files = 5;                  // rotated files kept: path.1 (newest) .. path.N
  bool fsync = false;                        // fsync after each batch, before it is acknowledged
  bool include_original = false;             // event.original: the raw record as a string
  bool redact = true;                        // the `redaction:` patterns over every string field
  std::optional<RedactionConfig> redaction;  // its own patterns (exporter_redaction.h)

  bool to_stdout() const { return path == kStdout; }
};

// The keys the file exporter adds to an `exporters:` entry.
const std::vector<std::string>& file_exporter_keys();

// Reads those keys of `entry` (a mapping; `key_path` is e.g. "exporters[0]"), reporting every
// problem through `in.errors()` as `file:line:column: key: message`.
void read_file_exporter_config(const YAML::Node& entry, const std::string& key_path,
                               FileExporterConfig& out, ConfigReader& in);

}  // namespace specwatch
