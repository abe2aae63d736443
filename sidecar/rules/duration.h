// Prometheus durations ("1h30m", "5m", "250ms"), as PromQL and rule files write them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace specwatch::rules {

// Milliseconds, or nullopt when `text` is not a duration: units y w d h m s ms, each at most
// once and from the largest to the smallest, as Prometheus' model.ParseDuration requires.
std::optional<int64_t> parse_duration_ms(std::string_view text);
// The shortest form Prometheus prints ("1h30m", "0s").
std::string format_duration_ms(int64_t ms);

}  // namespace specwatch::rules
