#include "sidecar/rules/humanize.h"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "sidecar/rules/go_format.h"

namespace specwatch::rules {

std::string format_4g(double v) {
  return go_sprintf("%.4g", {v});
}

std::string humanize(double v) {
  if (v == 0 || std::isnan(v) || std::isinf(v)) return format_4g(v);
  if (std::fabs(v) >= 1) {
    const char* prefix = "";
    for (const char* p : {"k", "M", "G", "T", "P", "E", "Z", "Y"}) {
      if (std::fabs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return format_4g(v) + prefix;
  }
  const char* prefix = "";
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return format_4g(v) + prefix;
}

std::string humanize1024(double v) {
  if (std::fabs(v) <= 1 || std::isnan(v) || std::isinf(v)) return format_4g(v);
  const char* prefix = "";
  for (const char* p : {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"}) {
    if (std::fabs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return format_4g(v) + prefix;
}

std::string humanize_percentage(double v) {
  return go_sprintf("%.4g%%", {v * 100});
}

std::string humanize_duration(double v) {
  if (std::isnan(v) || std::isinf(v)) return format_4g(v);
  if (v == 0) return format_4g(v) + "s";
  if (std::fabs(v) >= 1) {
    std::string sign = v < 0 ? "-" : "";
    v = std::fabs(v);
    auto duration = static_cast<int64_t>(v);
    int64_t seconds = duration % 60;
    int64_t minutes = (duration / 60) % 60;
    int64_t hours = (duration / 3600) % 24;
    int64_t days = duration / 86400;
    auto n = [](int64_t x) { return std::to_string(x); };
    if (days != 0)
      return sign + n(days) + "d " + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s";
    if (hours != 0) return sign + n(hours) + "h " + n(minutes) + "m " + n(seconds) + "s";
    if (minutes != 0) return sign + n(minutes) + "m " + n(seconds) + "s";
    return sign + format_4g(v) + "s";
  }
  const char* prefix = "";
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return format_4g(v) + prefix + "s";
}

}  // namespace specwatch::rules
