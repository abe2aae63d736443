#include "sidecar/app/daemon_notifiers.h"

#include "exporters/notifier_factory.h"

namespace specwatch {

void DaemonNotifiers::apply(const Config& config, int drain_timeout_ms) {
  NotifierServices services{registry_, logger_, config.state_dir};
  set_.replace(make_notifiers(config.notifiers, services), drain_timeout_ms);
}

void DaemonNotifiers::add_not_ready(std::vector<NotReady>& waiting) const {
  for (auto& [component, reason] : set_.not_ready()) waiting.push_back({component, reason});
}

}  // namespace specwatch
