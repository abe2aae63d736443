// Redaction per exporter: whether an exporter redacts (`redact:`, on by default) and which
// patterns it applies. Without its own `redaction:` it applies the `redaction:` section's
// patterns (those of label values and logs); with one, its own choice over the built-in defaults:
//
//   exporters:
//     - type: elasticsearch
//       ...
//       redaction:
//         enabled_patterns: [email_address, phone_number]   # personal data, off by default
//         disabled_patterns: [url_password]
//
// So a search backend may mask personal data that metric labels never carry, or an archive on
// the sidecar's own disk skip a pattern that misfires on its data. The user-defined patterns are
// the section's (`redaction.patterns`): an exporter names them like built-ins but defines none.
#pragma once

#include <prometheus/registry.h>
#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <string>

#include "sidecar/config/config_reader.h"
#include "sidecar/redact/redaction_metrics.h"

namespace specwatch {

// Reads `redaction` of an exporter entry (when written) into `out`.
void read_exporter_redaction(const YAML::Node& entry, const std::string& key_path,
                             std::optional<RedactionConfig>& out, ConfigReader& in);

// Gives an exporter's own choice the section's user-defined patterns and resolves its names
// (called once the whole file is read: the section may come after the exporters).
void resolve_exporter_redaction(std::optional<RedactionConfig>& own, const RedactionConfig& section,
                                ErrorCollector& errors);

// The exporter's redactor and its counters (site "export"): its own patterns, else the
// section's; null when it does not redact (`redact: false`).
std::unique_ptr<SiteRedactor> make_export_redactor(bool redact,
                                                   const std::optional<RedactionConfig>& own,
                                                   const RedactionConfig& section,
                                                   prometheus::Registry& registry);

}  // namespace specwatch
