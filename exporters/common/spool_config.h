// `spool:` of an exporter entry (the disk spool of spool.h): shared by every exporter that sends
// over the network, so that each reads and documents the same keys.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "exporters/common/dead_letter.h"
#include "exporters/common/spool.h"
#include "sidecar/config/config_reader.h"

namespace specwatch {

struct SpoolConfig {
  bool enabled = true;
  std::string path;                      // "": <state_dir>/spool/<exporter>
  std::uint64_t max_bytes = 1073741824;  // 1 GiB
  SpoolOptions::WhenFull when_full = SpoolOptions::WhenFull::kBlock;
};

void read_spool_config(const YAML::Node& node, const std::string& key, SpoolConfig& out,
                       ConfigReader& in);

// `spool:` and `dead_letter:` of a forwarder's entry, when written.
void read_spool_and_dead_letter(const YAML::Node& entry, const std::string& key_path,
                                SpoolConfig& spool, DeadLetterConfig& dead_letter,
                                ConfigReader& in);

// The options of the exporter's spool: the configured path or <state_dir>/spool/<exporter>.
SpoolOptions spool_options(const SpoolConfig& config, const std::string& state_dir,
                           const std::string& exporter);

}  // namespace specwatch
