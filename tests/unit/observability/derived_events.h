// Test helper: events of every kind through every tool's profile into DerivedMetrics, with label
// values that need escaping (quotes, a backslash, a line break) and non-ASCII text, so that every
// derived family has series (counters, gauges and histograms).
#pragma once

#include "sidecar/derive/derived_metrics.h"

namespace specwatch::testing {

void record_a_bit_of_everything(DerivedMetrics& metrics);

}  // namespace specwatch::testing
