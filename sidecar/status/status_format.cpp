#include "sidecar/status/status_format.h"

#include <absl/time/time.h>

namespace specwatch {

std::string format_utc(std::int64_t t_s) {
  return absl::FormatTime("%Y-%m-%d %H:%M UTC", absl::FromUnixSeconds(t_s), absl::UTCTimeZone());
}

std::string format_error_counts(const NamedCounts& errors) {
  if (errors.empty()) return "0";
  std::string text;
  for (const auto& [reason, count] : errors) {
    if (!text.empty()) text += ", ";
    text += reason + " " + std::to_string(count);
  }
  return text;
}

}  // namespace specwatch
