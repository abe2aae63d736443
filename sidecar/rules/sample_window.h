// The samples of one series inside a time window, shared by the in-memory stores.
#pragma once

#include <span>
#include <vector>

#include "sidecar/rules/sample.h"

namespace specwatch::rules {

// The samples of `samples` (in time order) inside [mint, maxt]. Rule windows sit at the end of a
// series, so the search starts there and gallops backwards: O(log window) rather than
// O(log series length).
std::span<const Sample> sample_window(const std::vector<Sample>& samples, Timestamp mint,
                                      Timestamp maxt);

}  // namespace specwatch::rules
