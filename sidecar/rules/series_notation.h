// The expanding notation of promtool's input_series values: "0+10x30", "1 0x10", "_x5", "stale",
// "3-1x2". Each item is one or more samples, one per test interval.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace specwatch::rules {

struct SeriesValues {
  std::vector<std::optional<double>> values;  // nullopt: no sample at that step
  std::string error;
};

// Additions accumulate (v += d, as promtool does), so 0+0.1x3 yields 0, 0.1, 0.2,
// 0.30000000000000004. "VxN" and "V+DxN" yield N+1 samples, "_xN" leaves N steps empty.
SeriesValues parse_series_values(std::string_view text);

}  // namespace specwatch::rules
