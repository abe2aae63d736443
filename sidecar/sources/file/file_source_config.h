// The typed config of a file source (one `sources:` entry of `type: file`) and of the `tail:`
// section every file source shares; docs/CONFIGURATION.md and this folder's README list the keys.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sidecar/config/config_reader.h"
#include "sidecar/framing/framer.h"

namespace specwatch {

enum class StartAt : std::uint8_t { kBeginning, kEnd };

struct FileSourceConfig {
  std::string name;                  // unique among sources; becomes the `source` label
  std::vector<std::string> include;  // glob patterns, absolute after loading
  std::vector<std::string> exclude;  // glob patterns matched against the full path
  Framing framing = Framing::kNdjson;
  StartAt start_at = StartAt::kBeginning;  // only for files with no checkpoint at first start
  std::string service;                     // defaults to the source name
  std::string profile;                     // normalization profile; empty = generic
  std::size_t max_record_bytes = 1048576;  // larger records are skipped and counted
  // json-document only: dotted field path whose value identifies a record (e.g. "run_id").
  // Empty: the whole record's bytes identify it.
  std::string document_key;
  std::size_t document_max_bytes = 67108864;  // a document beyond this is not read (counted)
  std::size_t document_seen_limit = 100000;   // bound of the remembered-keys set per file
  // false: read every start from the beginning and persist nothing (for demo data).
  bool checkpoint = true;
  // Where the entry was written, for messages that name it.
  int line = 0;
};

struct TailConfig {
  int poll_interval_ms = 1000;        // stat poll (fallback for inotify and the only watcher
                                      // when inotify is unavailable)
  bool inotify = true;                // false: poll only
  int checkpoint_interval_ms = 1000;  // how often acknowledged offsets are persisted
  std::size_t read_buffer_bytes = 262144;
  std::size_t fingerprint_bytes = 1024;
  int rotate_wait_ms = 5000;  // keep reading a deleted or renamed-away file this long after EOF
  std::size_t max_open_files = 256;  // descriptors one file source keeps open at most
  bool follow_symlinks = false;      // read files that matching symlinks point to
};

// The keys of a file source entry (without the `type:` every entry has), in message order.
const std::vector<std::string>& file_source_keys();

// Reads one `sources:` entry (a mapping) into `out`; unknown keys are the caller's to check.
// Include patterns are validated and their existing leading directories checked.
void read_file_source(const YAML::Node& item, const std::string& key_path, FileSourceConfig& out,
                      ConfigReader& in);

// The `tail:` section.
void read_tail_section(const YAML::Node& node, const std::string& key_path, TailConfig& out,
                       ConfigReader& in);

}  // namespace specwatch
