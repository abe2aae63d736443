// The `pipeline:` section: the bounds of the queue between the sources and the pipeline worker.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>

#include "sidecar/config/config_reader.h"

namespace specwatch {

struct PipelineConfig {
  std::size_t queue_max_batches = 64;
  std::size_t queue_max_bytes = 8388608;  // 8 MiB of record bytes in flight at most (see
                                          // docs/PERFORMANCE.md: it dominates peak memory)
  // Record bytes one source that blocks when the queue is full (a file source) may have waiting
  // in the queue; 0: only queue_max_bytes. The file is that source's buffer, so reading far ahead
  // buys nothing but memory; the rest of the queue's room stays for the OTLP receivers' bursts.
  std::size_t source_queue_max_bytes = 262144;
  std::size_t batch_max_records = 1024;
};

void read_pipeline_section(const YAML::Node& node, const std::string& key_path, PipelineConfig& out,
                           ConfigReader& in);

}  // namespace specwatch
