// Scraping the real binary's /metrics; the parsing helpers are shared with the unit tests
// (tests/support/metrics_text.h).
#pragma once

#include <cstdint>
#include <string>

#include "tests/support/metrics_text.h"

namespace specwatch::testing {

// Scrapes /metrics; empty map when the sidecar does not answer.
MetricsMap scrape(std::uint16_t port);

// specwatch_component_events_total of sink `component` for `outcome`; -1 when absent.
inline double sink_outcome(std::uint16_t port, const std::string& component,
                           const std::string& outcome) {
  return value_of(scrape(port), "specwatch_component_events_total{component=\"" + component +
                                    "\",kind=\"sink\",outcome=\"" + outcome + "\"}")
      .value_or(-1);
}

}  // namespace specwatch::testing
