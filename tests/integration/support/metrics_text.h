// Scraping the real binary's /metrics; the parsing helpers are shared with the unit tests
// (tests/support/metrics_text.h).
#pragma once

#include <cstdint>

#include "tests/support/metrics_text.h"

namespace specwatch::testing {

// Scrapes /metrics; empty map when the sidecar does not answer.
MetricsMap scrape(std::uint16_t port);

}  // namespace specwatch::testing
