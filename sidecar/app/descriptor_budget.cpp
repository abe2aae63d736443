#include "sidecar/app/descriptor_budget.h"

#include <sys/resource.h>

#include <algorithm>

namespace specwatch {

void fit_descriptor_budget(Config& config, Logger& logger) {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    struct rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const std::size_t sources = std::max<std::size_t>(config.sources.size(), 1);
  const std::size_t soft = limit.rlim_cur == RLIM_INFINITY
                               ? static_cast<std::size_t>(1) << 20
                               : static_cast<std::size_t>(limit.rlim_cur);
  const std::size_t available = soft > kReservedDescriptors ? soft - kReservedDescriptors : 0;
  const std::size_t per_source = std::max<std::size_t>(available / sources, 1);
  if (config.tail.max_open_files <= per_source) return;
  logger.warn("tail.max_open_files lowered to fit the process descriptor limit",
              {{"configured", static_cast<unsigned long>(config.tail.max_open_files)},
               {"effective", static_cast<unsigned long>(per_source)},
               {"descriptor_limit", static_cast<unsigned long>(soft)},
               {"reserved", static_cast<unsigned long>(kReservedDescriptors)},
               {"sources", static_cast<unsigned long>(sources)}});
  config.tail.max_open_files = per_source;
}

}  // namespace specwatch
