// The `queue:` of a component that delivers asynchronously (a QueuedConsumer, queued_consumer.h):
//
//   queue:
//     max_events: 10000   # events waiting at most (>= 1)
//     when_full: block    # block: backpressure to the sources; drop: discard and count
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sidecar/config/config_reader.h"

namespace specwatch {

struct QueueConfig {
  enum class WhenFull : std::uint8_t { kBlock, kDrop };
  std::size_t max_events = 10000;         // queue.max_events: events waiting at most (≥ 1)
  WhenFull when_full = WhenFull::kBlock;  // queue.when_full: block | drop
};

// "block" / "drop"; nullopt for any other spelling.
std::optional<QueueConfig::WhenFull> when_full_from_name(std::string_view name);
std::string_view when_full_name(QueueConfig::WhenFull when_full);

// Reads a `queue:` mapping (`key_path` is e.g. "exporters[0].queue") into `out`; problems are
// reported as `file:line:column: key: message`, and the defaults stay where a value is wrong.
void read_queue_config(const YAML::Node& node, const std::string& key_path, QueueConfig& out,
                       ConfigReader& in);

}  // namespace specwatch
