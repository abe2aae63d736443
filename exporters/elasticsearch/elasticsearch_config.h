// The Elasticsearch exporter's settings (exporters/elasticsearch/README.md has the table): where
// (url, TLS, credentials from files), into which index (a daily pattern over each event's
// @timestamp, or a data stream), how (gzip, timeout, retry backoff), the index template created
// at start, the disk spool and the dead-letter file.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "exporters/common/dead_letter.h"
#include "exporters/common/spool_config.h"
#include "exporters/notifiers_common/notifier_common_config.h"
#include "sidecar/config/config_reader.h"
#include "sidecar/redact/redaction_patterns.h"

namespace specwatch {

struct ElasticsearchExporterConfig {
  std::string url;  // http(s)://host:port, optionally with a path prefix (a proxy's)
  // strftime-style over the event's @timestamp in UTC (%Y %m %d %H %j %%); ignored with a data
  // stream.
  std::string index = "specwatch-%Y.%m.%d";
  std::string data_stream;  // "": daily indices
  std::string username;     // basic auth, with password_file
  std::string password_file;
  std::string api_key_file;  // `Authorization: ApiKey <content>` (the base64 id:key)
  TlsSettings tls;
  bool gzip = true;
  std::chrono::milliseconds timeout{30'000};  // one request, connect to answer
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  bool template_enabled = true;
  std::string template_name = "specwatch";
  bool include_original = false;
  bool redact = true;
  std::optional<RedactionConfig> redaction;  // its own patterns (exporter_redaction.h)
  std::size_t queue_max_events = 100000;     // without a spool: events held until stored
  SpoolConfig spool;
  DeadLetterConfig dead_letter;

  // The `_index` of every action for a daily index or the data stream: the literal text before
  // the first conversion, for the template's index_patterns ("specwatch-" → "specwatch-*").
  std::string index_prefix() const;
};

// The keys the Elasticsearch exporter adds to an `exporters:` entry.
const std::vector<std::string>& elasticsearch_exporter_keys();

void read_elasticsearch_exporter_config(const YAML::Node& entry, const std::string& key_path,
                                        ElasticsearchExporterConfig& out, ConfigReader& in);

// Why `pattern` cannot name an index ("" when it can): Elasticsearch's rules for index names
// (lower case; none of \ / * ? " < > | , # or a space; not starting with - _ +) over the literal
// text, and only the conversions %Y %m %d %H %j %%.
std::string check_index_pattern(std::string_view pattern);

}  // namespace specwatch
