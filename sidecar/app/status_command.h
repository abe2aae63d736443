// `specwatch status`: reads GET /api/v1/status of a running sidecar and prints it (colours on a
// terminal, plain when piped, JSON with --json, again every N seconds with --watch).
#pragma once

#include <string>

#include "sidecar/app/cli.h"

namespace specwatch {

// Returns the exit code: 0 shown, 1 the sidecar could not be reached or answered badly.
int run_status_command(const CommandLine& cl, const std::string& config_path);

}  // namespace specwatch
