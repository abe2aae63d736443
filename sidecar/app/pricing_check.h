// `specwatch pricing check [--config FILE] FILE...`: reads the given inputs the way the configured
// source that watches each of them would (framing and profile), and lists the LLM models they
// mention that have no price, so that a pricing file can be completed before any cost is missed.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "sidecar/app/config.h"

namespace specwatch {

// Returns the exit code: 0 when every model seen has a price, 1 when some have none (listed on
// `out`), 2 when an input cannot be checked (explained on `err`).
int run_pricing_check(const Config& config, const std::vector<std::string>& inputs, std::FILE* out,
                      std::FILE* err);

}  // namespace specwatch
