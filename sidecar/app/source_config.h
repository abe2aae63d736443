// One entry of the `sources:` list: its `type:` (`file` when left out, so configs written before
// there were types keep working) and that type's typed config. The `sources:` section is read by
// sources_section.h; source_factory.h builds each entry's source.
#pragma once

#include <string>
#include <variant>

#include "sidecar/sources/file/file_source_config.h"

namespace specwatch {

struct SourceConfig {
  std::variant<FileSourceConfig> settings;  // by `type:`

  // What every type has: the unique name (the `source` label), the normalization profile
  // (empty: generic) and the line of the entry.
  const std::string& name() const {
    return std::visit([](const auto& s) -> const std::string& { return s.name; }, settings);
  }
  const std::string& profile() const {
    return std::visit([](const auto& s) -> const std::string& { return s.profile; }, settings);
  }
  int line() const {
    return std::visit([](const auto& s) { return s.line; }, settings);
  }
};

}  // namespace specwatch
