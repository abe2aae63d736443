// The alert states saved in the state store (document "rule-alerts"), so that after a restart a
// pending alert keeps counting its `for` and a firing one stays firing with the same activeAt:
// a notifier that already paged does not page again, and Alertmanager sees the same startsAt.
#pragma once

#include <string>
#include <vector>

#include "sidecar/rules/alerting_rule.h"

namespace specwatch::rules {

inline constexpr const char* kAlertStateDocument = "rule-alerts";
inline constexpr int kAlertStateVersion = 1;

struct SavedAlert {
  std::string group;
  std::string rule;
  Alert alert;
};

std::string encode_alert_states(const std::vector<SavedAlert>& alerts);
// Throws std::runtime_error with the reason for a document it cannot read.
std::vector<SavedAlert> decode_alert_states(const std::string& json);

}  // namespace specwatch::rules
