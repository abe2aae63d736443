// The humanize* template functions of Prometheus, formatting with Go's %.4g.
#pragma once

#include <string>

namespace specwatch::rules {

std::string humanize(double v);             // 1.234k, 5.5m
std::string humanize1024(double v);         // 25.39ki
std::string humanize_percentage(double v);  // 0.3 -> 30%
std::string humanize_duration(double v);    // 1d 2h 3m 4s, 39.94s, 250ms
// Go's %.4g.
std::string format_4g(double v);

}  // namespace specwatch::rules
