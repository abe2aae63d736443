// GET /api/v1/status as JSON, and back (for `specwatch status`, which reads the daemon's API).
#pragma once

#include <optional>
#include <string>

#include "sidecar/status/status_model.h"

namespace specwatch {

// GET /api/v1/budgets: {"status":"success","data":{"budgets":[...]}}.
std::string budgets_json(const std::vector<BudgetStatus>& budgets);
std::string status_json(const StatusSnapshot& snapshot);
// nullopt when `json` is not a status document; `error` says why.
std::optional<StatusSnapshot> parse_status_json(const std::string& json, std::string& error);

}  // namespace specwatch
