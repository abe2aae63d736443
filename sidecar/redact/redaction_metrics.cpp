#include "sidecar/redact/redaction_metrics.h"

namespace specwatch {

std::string_view to_string(RedactionSite site) {
  switch (site) {
    case RedactionSite::kLabel:
      return "label";
    case RedactionSite::kLog:
      return "log";
    case RedactionSite::kExport:
      return "export";
  }
  return "unknown";
}

RedactionMetrics::RedactionMetrics(prometheus::Registry& registry, const Redactor& redactor) {
  auto& family = prometheus::BuildCounter()
                     .Name("specwatch_redactions_total")
                     .Help(
                         "Secrets replaced by a redaction marker, by pattern and by where the "
                         "input was written (label, log, export).")
                     .Register(registry);
  for (std::size_t site = 0; site < kRedactionSiteCount; ++site) {
    const std::string site_name(to_string(static_cast<RedactionSite>(site)));
    for (std::size_t pattern = 0; pattern < redactor.patterns().size(); ++pattern) {
      if (!redactor.enabled(pattern)) continue;
      counters_[site][pattern] = &family.Add(
          {{"pattern", std::string(redactor.patterns()[pattern].name)}, {"site", site_name}});
    }
  }
}

void RedactionMetrics::add(RedactionSite site, const PatternCounts& counts) {
  auto& counters = counters_[static_cast<std::size_t>(site)];
  for (std::size_t pattern = 0; pattern < counts.size(); ++pattern) {
    if (counts[pattern] != 0 && counters[pattern] != nullptr) {
      counters[pattern]->Increment(static_cast<double>(counts[pattern]));
    }
  }
}

double RedactionMetrics::value(RedactionSite site, std::size_t pattern) const {
  const prometheus::Counter* counter = counters_[static_cast<std::size_t>(site)][pattern];
  return counter == nullptr ? 0.0 : counter->Value();
}

}  // namespace specwatch
