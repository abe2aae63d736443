// Small formatting pieces shared by the page and the terminal view.
#pragma once

#include <cstdint>
#include <string>

#include "sidecar/budgets/budget_status.h"
#include "sidecar/status/status_model.h"

namespace specwatch {

// "2026-12-04 18:00 UTC" (UTC: the page and the terminal do not know the reader's zone).
std::string format_utc(std::int64_t t_s);

// "invalid_json 1, read_error 2"; "0" when there are none.
std::string format_error_counts(const NamedCounts& errors);

}  // namespace specwatch
