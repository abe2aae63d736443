// The body of GET /metrics: the registry's families, those of the extra collectables (a pushed
// OTLP family replaces a registry family of the same name) and the families that write their own
// text (sidecar/core/text_exposable.h: the derived metrics), in the text format 0.0.4. A library
// of its own (specwatch_text_exposition) so that benchmarks render exactly what /metrics renders
// without the HTTP server.
#pragma once

#include <prometheus/collectable.h>

#include <memory>
#include <string>
#include <vector>

#include "sidecar/core/text_exposable.h"

namespace specwatch {

// What one page is made of. Nothing is owned: everything must outlive the render.
struct MetricsPageParts {
  const prometheus::Collectable& registry;
  const std::vector<std::shared_ptr<const prometheus::Collectable>>& extra;
  // Written after the collected families, each family left out when a collected family has its
  // name (pushed OTLP metrics carry the tool's own measurement, which beats the one derived from
  // its logs: docs/OTLP_METRICS.md).
  const std::vector<const TextExposable*>& direct;
};

// Appends the page to `out` (which the caller may have reserved from the last page's size).
void append_metrics_page(std::string& out, const MetricsPageParts& parts);

// Collects the registry, then each extra collectable, and serializes all of it in the text format.
std::string render_metrics(
    const prometheus::Collectable& registry,
    const std::vector<std::shared_ptr<const prometheus::Collectable>>& extra = {},
    const std::vector<const TextExposable*>& direct = {});

}  // namespace specwatch
