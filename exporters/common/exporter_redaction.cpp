#include "exporters/common/exporter_redaction.h"

#include "sidecar/redact/redaction_section.h"

namespace specwatch {

void read_exporter_redaction(const YAML::Node& entry, const std::string& key_path,
                             std::optional<RedactionConfig>& out, ConfigReader& in) {
  const YAML::Node node = entry["redaction"];
  if (!node.IsDefined()) return;
  const std::string key = ConfigReader::join(key_path, "redaction");
  if (!in.expect_map(node, key)) return;
  in.check_unknown_keys(node, key, {"disabled_patterns", "enabled_patterns"});
  RedactionConfig patterns;
  read_pattern_choice(node, key, patterns, in);
  out = patterns;
}

void resolve_exporter_redaction(std::optional<RedactionConfig>& own, const RedactionConfig& section,
                                ErrorCollector& errors) {
  if (!own) return;
  own->user_patterns = section.user_patterns;
  resolve_pattern_choice(*own, errors);
}

std::unique_ptr<SiteRedactor> make_export_redactor(bool redact,
                                                   const std::optional<RedactionConfig>& own,
                                                   const RedactionConfig& section,
                                                   prometheus::Registry& registry) {
  if (!redact) return nullptr;
  return std::make_unique<SiteRedactor>(registry, own.value_or(section), RedactionSite::kExport);
}

}  // namespace specwatch
