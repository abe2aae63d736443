// Test helper: what prometheus-cpp's TextSerializer writes for some families, corrected where it
// departs from the text format in the ways sidecar/observability/text_exposition.h lists (HELP
// escaping, the spelling of NaN), so that serialize_text_exposition() can be compared with it
// byte for byte.
#pragma once

#include <prometheus/metric_family.h>

#include <string>
#include <vector>

namespace specwatch::testing {

// The corrections assume that no label value is "Nan" (it would be taken for a value).
std::string reference_exposition(std::vector<prometheus::MetricFamily> families);

}  // namespace specwatch::testing
