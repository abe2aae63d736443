// The daemon's notifiers: built from the `notifiers:` list, started with the daemon, rebuilt on
// reload, drained at shutdown. receiver() is the one place alert producers (the rule evaluator,
// the budgets) hand their alerts to; it stays the same object across reloads.
#pragma once

#include <prometheus/registry.h>

#include <vector>

#include "exporters/notifier_set.h"
#include "sidecar/app/config.h"
#include "sidecar/core/logger.h"
#include "sidecar/observability/admin_endpoints.h"

namespace specwatch {

class DaemonNotifiers {
 public:
  DaemonNotifiers(prometheus::Registry& registry, Logger& logger)
      : registry_(registry), logger_(logger) {}

  // Stops the running notifiers (if any, within the config's shutdown timeout) and starts the
  // ones `config` lists.
  void apply(const Config& config, int drain_timeout_ms);
  void stop(int drain_timeout_ms) { set_.stop(drain_timeout_ms); }
  AlertReceiver& receiver() { return set_; }
  // Appends each notifier that is not ready (for /ready).
  void add_not_ready(std::vector<NotReady>& waiting) const;

 private:
  prometheus::Registry& registry_;
  Logger& logger_;
  NotifierSet set_;
};

}  // namespace specwatch
