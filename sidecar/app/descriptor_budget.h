// Descriptors for tailed files, within the process limit: raises the soft RLIMIT_NOFILE to the
// hard limit, keeps kReservedDescriptors for the listeners, their connections and state files,
// and lowers every source's tail.max_open_files so that all sources together fit in the rest.
#pragma once

#include "sidecar/app/config.h"
#include "sidecar/core/logger.h"

namespace specwatch {

inline constexpr std::size_t kReservedDescriptors = 256;

void fit_descriptor_budget(Config& config, Logger& logger);

}  // namespace specwatch
