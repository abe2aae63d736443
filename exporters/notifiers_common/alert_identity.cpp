#include "exporters/notifiers_common/alert_identity.h"

#include <cstdio>
#include <ctime>

namespace specwatch {

std::string alert_fingerprint(const NotificationLabels& labels) {
  std::uint64_t hash = 14695981039346656037ULL;
  auto mix = [&hash](const std::string& text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
    hash ^= 0xff;  // a separator no label text contains in valid UTF-8
    hash *= 1099511628211ULL;
  };
  for (const auto& [name, value] : labels) {
    mix(name);
    mix(value);
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

std::string format_rfc3339(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(time.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  const int millis = static_cast<int>((ms % 1000 + 1000) % 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return text;
}

std::string label_or(const AlertNotification& alert, const std::string& name,
                     const std::string& fallback) {
  const std::string& value = alert.label(name);
  return value.empty() ? fallback : value;
}

}  // namespace specwatch
