#include "sidecar/pipeline/pipeline_config.h"

#include <cstdint>

namespace specwatch {

void read_pipeline_section(const YAML::Node& node, const std::string& key_path, PipelineConfig& out,
                           ConfigReader& in) {
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(
      node, key_path,
      {"queue_max_batches", "queue_max_bytes", "source_queue_max_bytes", "batch_max_records"});
  in.read_int_key(node, key_path, "queue_max_batches", 1, INT64_MAX, out.queue_max_batches);
  in.read_int_key(node, key_path, "queue_max_bytes", 1, INT64_MAX, out.queue_max_bytes);
  in.read_int_key(node, key_path, "source_queue_max_bytes", 0, INT64_MAX,
                  out.source_queue_max_bytes);
  in.read_int_key(node, key_path, "batch_max_records", 1, INT64_MAX, out.batch_max_records);
}

}  // namespace specwatch
