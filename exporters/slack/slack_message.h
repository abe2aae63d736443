// The Slack message for one alert: `text` (the notification and fallback line) and `blocks`
// that say what fires, where, how bad, since when, and link the runbook. Within Slack's limits:
// header text 150 characters, section text 3,000, at most 10 fields.
#pragma once

#include <string>

#include "sidecar/core/alert_notification.h"

namespace specwatch {

std::string slack_message(const AlertNotification& alert);

// Slack's mrkdwn escapes: & < >.
std::string slack_escape(const std::string& text);

}  // namespace specwatch
