// The typed configuration of the sidecar. Loading (YAML, environment expansion, SPECWATCH_*
// overrides) and validation live in config_loader.h; every key is documented in
// docs/CONFIGURATION.md. Later capabilities add their own sections beside these.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "exporters/exporter_config.h"
#include "sidecar/budgets/budget_config.h"
#include "sidecar/core/logger.h"
#include "sidecar/derive/derive_config.h"
#include "sidecar/otlp/otlp_config.h"
#include "sidecar/redact/redaction_patterns.h"

namespace specwatch {

enum class Framing : std::uint8_t { kNdjson, kJsonStream, kJsonDocument, kLines };
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

struct HttpConfig {
  std::string listen = "0.0.0.0:9464";
  std::string host = "0.0.0.0";  // split from `listen` by the loader
  std::uint16_t port = 9464;
  // Waiting for a request and reading its header (each); the body deadline stays 10 s.
  int header_timeout_ms = 5000;
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

struct PipelineConfig {
  std::size_t queue_max_batches = 64;
  std::size_t queue_max_bytes = 8388608;  // 8 MiB of record bytes in flight at most (see
                                          // docs/PERFORMANCE.md: it dominates peak memory)
  std::size_t batch_max_records = 1024;
};

struct Config {
  std::string path;  // file it was loaded from
  HttpConfig http;
  std::string state_dir = "/var/lib/specwatch";
  LogLevel log_level = LogLevel::kInfo;
  int shutdown_timeout_ms = 5000;
  TailConfig tail;
  PipelineConfig pipeline;
  std::vector<FileSourceConfig> sources;
  // Derivation: the user's `profiles:` list (compiled by ProfileSet, which validated it while the
  // config was loaded), pricing overrides and the per-metric series limit.
  YAML::Node profiles;
  PricingConfig pricing;
  CardinalityConfig cardinality;
  // The secret patterns redacted from label values and logged input.
  RedactionConfig redaction;
  // The OTLP receivers. Its section parser lives with them (sidecar/otlp) and is registered by
  // the app (sidecar/app/app_config.h), which keeps the config library free of gRPC.
  OtlpConfig otlp;
  // The `exporters:` list (sinks). Its section parser lives with the exporters (exporters/) and is
  // registered by the app like the OTLP one.
  std::vector<ExporterConfig> exporters;
  // The `budgets:` section (sidecar/budgets), registered by the app like the OTLP one.
  BudgetsConfig budgets;
};

}  // namespace specwatch
