// specwatch_redactions_total{pattern, site}: how many secrets were replaced, by pattern and by
// where: `label` (a metric label value derived from input), `log` (a log field that echoes
// input), `export` (a string field or the raw record of an exported event document).
// docs/METRICS.md says when each site counts.
//
// Several components may each build a RedactionMetrics on one registry: the family and its
// series are the same ones (prometheus-cpp merges a family registered twice with the same name
// and help, and returns the existing series for the same labels).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sidecar/redact/redactor.h"

namespace specwatch {

enum class RedactionSite : std::uint8_t { kLabel, kLog, kExport };
inline constexpr std::size_t kRedactionSiteCount = 3;
std::string_view to_string(RedactionSite site);

class RedactionMetrics {
 public:
  // Creates the series of every enabled pattern at every site at 0, so that an alert on
  // increase() sees the first redaction.
  RedactionMetrics(prometheus::Registry& registry, const Redactor& redactor);
  RedactionMetrics(const RedactionMetrics&) = delete;
  RedactionMetrics& operator=(const RedactionMetrics&) = delete;

  // Thread-safe (atomic counters).
  void add(RedactionSite site, const PatternCounts& counts);
  double value(RedactionSite site, std::size_t pattern) const;

 private:
  std::array<std::array<prometheus::Counter*, kMaxRedactionPatterns>, kRedactionSiteCount>
      counters_{};
};

// A Redactor and the counters of one site: what a component that writes input into labels or
// logs holds. Owns both, so a component needs one member.
class SiteRedactor {
 public:
  SiteRedactor(prometheus::Registry& registry, const RedactionConfig& config, RedactionSite site)
      : redactor_(config), metrics_(registry, redactor_), site_(site) {}

  const Redactor& redactor() const { return redactor_; }

  // `text` with its secrets replaced, each counted.
  std::string apply(std::string_view text) {
    PatternCounts counts{};
    std::string out;
    if (redactor_.redact(text, out, &counts) > 0) count(counts);
    return out;
  }
  // Adds matches found by redactor().redact(): for callers that count only some redactions
  // (once per series created, not per lookup).
  void count(const PatternCounts& counts) { metrics_.add(site_, counts); }

 private:
  Redactor redactor_;
  RedactionMetrics metrics_;
  RedactionSite site_;
};

}  // namespace specwatch
