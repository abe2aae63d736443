#include "sidecar/app/sources_section.h"

#include <map>
#include <optional>

namespace specwatch {
namespace {

enum class SourceType { kFile };

std::vector<std::string> keys_with_type(const std::vector<std::string>& type_keys) {
  std::vector<std::string> keys = {"type"};
  keys.insert(keys.end(), type_keys.begin(), type_keys.end());
  return keys;
}

// The entry's type; nullopt (reported) when `type:` names no known type.
std::optional<SourceType> read_type(const YAML::Node& item, const std::string& key_path,
                                    ConfigReader& in) {
  const YAML::Node type = item["type"];
  if (!type.IsDefined()) return SourceType::kFile;
  return in.read_enum<SourceType>(type, ConfigReader::join(key_path, "type"),
                                  {{"file", SourceType::kFile}});
}

}  // namespace

void read_sources_section(const YAML::Node& node, const std::string& key_path,
                          std::vector<SourceConfig>& out, ConfigReader& in) {
  if (!node.IsDefined() || !node.IsSequence()) {
    in.errors().add(node, key_path,
                    "expected a list of sources, got " + ConfigReader::describe(node));
    return;
  }
  std::map<std::string, int> first_line;  // source name → line of its entry
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    const std::string item_path = ConfigReader::index(key_path, i);
    if (!in.expect_map(item, item_path)) continue;
    const std::optional<SourceType> type = read_type(item, item_path, in);
    // Without a known type the other keys cannot be judged.
    if (!type) continue;
    SourceConfig source;
    switch (*type) {
      case SourceType::kFile: {
        in.check_unknown_keys(item, item_path, keys_with_type(file_source_keys()));
        FileSourceConfig file;
        read_file_source(item, item_path, file, in);
        source.settings = std::move(file);
        break;
      }
    }
    if (!source.name().empty()) {
      auto [seen, inserted] = first_line.emplace(source.name(), source.line());
      if (!inserted) {
        in.errors().add(item["name"], ConfigReader::join(item_path, "name"),
                        "duplicate source name \"" + source.name() + "\"; first defined at line " +
                            std::to_string(seen->second));
      }
    }
    out.push_back(std::move(source));
  }
}

}  // namespace specwatch
