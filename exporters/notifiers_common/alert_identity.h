// What identifies an alert instance across evaluations and restarts: a fingerprint of its labels
// (stable: FNV-1a over the sorted names and values, not std::hash), and the timestamps notifiers
// send (RFC 3339 in UTC with milliseconds).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "sidecar/core/alert_notification.h"

namespace specwatch {

// 16 lower-case hex digits.
std::string alert_fingerprint(const NotificationLabels& labels);

// "2026-12-04T18:33:29.123Z".
std::string format_rfc3339(std::chrono::system_clock::time_point time);

// The label's value, or `fallback` when the alert has no such label.
std::string label_or(const AlertNotification& alert, const std::string& name,
                     const std::string& fallback);

}  // namespace specwatch
