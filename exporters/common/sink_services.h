// What a sink factory gets from the runtime that builds it: the long-lived services every sink may
// use. They outlive every sink built from them.
#pragma once

#include <prometheus/registry.h>

#include <functional>
#include <string>

#include "sidecar/core/logger.h"
#include "sidecar/derive/pricing.h"
#include "sidecar/redact/redaction_patterns.h"

namespace specwatch {

struct SinkServices {
  prometheus::Registry& registry;
  Logger& logger;
  const RedactionConfig& redaction;  // the `redaction:` patterns (site "export")
  // A pricing table built like the one behind specwatch_llm_cost_usd_total (bundled prices, the
  // user's pricing file and rules): each sink gets its own, as lookups are not thread-safe.
  std::function<PricingTable()> pricing;
  // `state_dir`: where an exporter keeps its spool and dead-letter file unless configured.
  std::string state_dir;
};

}  // namespace specwatch
