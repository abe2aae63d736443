// The Kafka exporter's settings (exporters/kafka/README.md has the table): brokers, the topic (one,
// or a template over event fields with a bounded set of topics), the message key, librdkafka
// properties passed through (with secrets read from files), the disk spool and the dead-letter
// file.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "exporters/common/dead_letter.h"
#include "exporters/common/spool_config.h"
#include "sidecar/config/config_reader.h"
#include "sidecar/redact/redaction_patterns.h"

namespace specwatch {

// Which event field becomes the message key (per-key ordering within a partition).
enum class KafkaKeyField : std::uint8_t { kTraceId, kWorkflowId, kSpanId, kService, kNone };

struct KafkaExporterConfig {
  std::string brokers;                     // bootstrap.servers
  std::string topic = "specwatch.events";  // may hold {service}, {source}, {kind}
  std::size_t max_topics = 64;             // distinct topics a template may produce
  std::string overflow_topic;              // "": the template with every field "other"
  KafkaKeyField key = KafkaKeyField::kTraceId;
  bool include_original = false;
  bool redact = true;
  std::optional<RedactionConfig> redaction;  // its own patterns (exporter_redaction.h)
  // librdkafka properties, in the order written, after the defaults (so they override them);
  // secrets from files already read in (property_files).
  std::vector<std::pair<std::string, std::string>> properties;
  // The keys whose values came from a file (never logged).
  std::vector<std::string> secret_properties;
  std::size_t queue_max_events = 100000;  // without a spool: events held until Kafka acked them
  SpoolConfig spool;
  DeadLetterConfig dead_letter;
};

// The properties every Kafka exporter starts from (README.md, "Defaults").
const std::vector<std::pair<std::string, std::string>>& kafka_default_properties();

// The keys the Kafka exporter adds to an `exporters:` entry.
const std::vector<std::string>& kafka_exporter_keys();

// Reads those keys of `entry`; every property is checked by librdkafka itself, so that a misspelt
// or invalid property is a config error `file:line:column: key: message` and not a start failure.
void read_kafka_exporter_config(const YAML::Node& entry, const std::string& key_path,
                                KafkaExporterConfig& out, ConfigReader& in);

}  // namespace specwatch
