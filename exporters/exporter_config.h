// One entry of the top-level `exporters:` list: the settings every exporter has (type, name,
// which sources it takes) and those of its type. docs/CONFIGURATION.md lists the keys.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "exporters/elasticsearch/elasticsearch_config.h"
#include "exporters/file/file_exporter_config.h"
#include "exporters/kafka/kafka_exporter_config.h"
#include "sidecar/pipeline/queue_config.h"

namespace specwatch {

struct ExporterConfig {
  std::string name;  // unique among exporters; the `component` label and `sink/<name>` in /ready
  std::vector<std::string> sources;      // the sources it takes; empty: every source
  std::vector<YAML::Mark> source_marks;  // where each of `sources` was written (for messages)
  std::variant<FileExporterConfig, KafkaExporterConfig, ElasticsearchExporterConfig>
      settings;  // by `type:`
  // `queue:` as written (nullopt: not written). Only exporters that deliver asynchronously (a
  // QueuedConsumer) take it; the file exporter writes within consume() and refuses it.
  std::optional<QueueConfig> queue;
  int line = 0;  // where the entry was written
};

}  // namespace specwatch
