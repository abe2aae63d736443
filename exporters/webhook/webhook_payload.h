// The generic webhook's JSON payload (README.md documents it field by field) and its signature:
// `sha256=` + the lower-case hex HMAC-SHA256 of the exact body bytes, keyed with the secret.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "exporters/notifiers_common/delivery_ledger.h"

namespace specwatch {

inline constexpr int kWebhookPayloadVersion = 1;

std::string webhook_payload(const std::string& notifier, const std::vector<DueAlert>& alerts,
                            std::chrono::system_clock::time_point sent_at);

std::string webhook_signature(const std::string& secret, const std::string& body);

}  // namespace specwatch
