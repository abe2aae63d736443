// The dead-letter file of an exporter: every event its destination refused for good (a Kafka
// message too large or a topic it may not write, an Elasticsearch item rejected with 400), one
// NDJSON line each, so that nothing is lost silently and nothing is retried forever:
//   {"time":"<RFC 3339 UTC>","exporter":"<name>","reason":"<why>","remote_answer":"<what the
//    destination said>","event":<the event document, as it would have been sent>}
// `event` is the document itself when it is a JSON value, else the text as a JSON string. The file
// is bounded and rotated by size (rotating_file.h: path → path.1 … path.<max_files>) and each line
// is fsynced before write() returns, so the source may be acknowledged afterwards.
//
// Generic: an exporter hands it `callback()` -- void(event_document, reason, remote_answer) -- or
// calls write(). Thread-safe. Counted in specwatch_component_events_total{outcome="dead_lettered"}
// by the caller's counter given at construction.
#pragma once

#include <prometheus/counter.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "exporters/common/rotating_file.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

// `dead_letter:` of an exporter entry.
struct DeadLetterConfig {
  std::string path;                     // "": <state_dir>/dead_letter/<exporter>.ndjson
  std::uint64_t max_bytes = 104857600;  // 100 MiB per file
  int max_files = 5;                    // rotated files kept
};

// Reads `dead_letter:` (a mapping) of an exporter entry; errors `file:line:column: key: message`.
void read_dead_letter_config(const YAML::Node& node, const std::string& key, DeadLetterConfig& out,
                             ConfigReader& in);

using DeadLetterCallback = std::function<void(
    std::string_view event_document, std::string_view reason, std::string_view remote_answer)>;

class DeadLetterFile {
 public:
  // `path`: config.path, or default_dead_letter_path() when that is empty; `counter` counts each
  // event written (it must outlive the file).
  DeadLetterFile(std::string exporter, std::string path, const DeadLetterConfig& config,
                 prometheus::Counter& counter);

  // Appends one line and fsyncs it. "" on success, else the error (the line is then not in the
  // file; the caller decides whether the event fails instead).
  std::string write(std::string_view event_document, std::string_view reason,
                    std::string_view remote_answer);

  // write() as a callback; the error, if any, is kept for last_error().
  DeadLetterCallback callback();

  std::string last_error() const;
  const std::string& path() const { return path_; }

 private:
  std::string exporter_;
  std::string path_;
  prometheus::Counter& counter_;
  mutable std::mutex mutex_;
  RotatingFile file_;
  std::string line_;
  std::string last_error_;
};

// The default location: <state_dir>/dead_letter/<exporter>.ndjson.
std::string default_dead_letter_path(const std::string& state_dir, const std::string& exporter);

}  // namespace specwatch
