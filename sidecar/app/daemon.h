// The daemon's lifecycle: start from a validated config, serve the admin endpoints, wait for
// signals (SIGTERM/SIGINT: drain and exit 0; SIGHUP: reload, keeping the old config if the new
// one is invalid).
#pragma once

#include <string>

#include "sidecar/config/environment.h"
#include "sidecar/core/logger.h"

namespace specwatch {

// Runs until SIGTERM or SIGINT. Returns the process exit code: 0 after a clean stop, 2 when the
// config is invalid (every problem printed to stderr), 1 when the listener cannot be opened.
int run_daemon(const std::string& config_path, const Environment& env);

}  // namespace specwatch
