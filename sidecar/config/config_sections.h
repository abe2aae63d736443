// Top-level keys of a configuration file are handled by registered section parsers, so a
// component adds its section with one `add` call and reuses the typed readers of ConfigReader.
// The registry knows nothing of what it fills: `Target` is the application's aggregate config
// (sidecar/app/config.h for the daemon), so the config library stays below every component.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sidecar/config/config_reader.h"

namespace specwatch {

template <typename Target>
class SectionRegistry {
 public:
  // Reads `node` (the value written under the top-level key `key_path`) into `out`, reporting
  // every problem through `in.errors()`.
  using Parser = std::function<void(const YAML::Node& node, const std::string& key_path,
                                    Target& out, ConfigReader& in)>;

  // Throws std::logic_error if `key` is already registered (a programming error).
  void add(std::string key, Parser parser) {
    if (find(key) != nullptr) throw std::logic_error("config section registered twice: " + key);
    sections_.emplace_back(std::move(key), std::move(parser));
  }
  // nullptr when no section has this key.
  const Parser* find(std::string_view key) const {
    for (const auto& [name, parser] : sections_) {
      if (name == key) return &parser;
    }
    return nullptr;
  }
  // In registration order (the order of "allowed keys" in messages).
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    out.reserve(sections_.size());
    for (const auto& entry : sections_) out.push_back(entry.first);
    return out;
  }

 private:
  std::vector<std::pair<std::string, Parser>> sections_;
};

}  // namespace specwatch
