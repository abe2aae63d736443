#include "sidecar/status/status_model.h"

#include <chrono>

namespace specwatch {

StatusSnapshot take_status_snapshot(const StatusInputs& inputs) {
  StatusSnapshot snapshot;
  snapshot.now_s = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (inputs.components) snapshot.components = inputs.components();
  if (inputs.budgets) snapshot.budgets = inputs.budgets();
  for (const auto& source : inputs.alerts) {
    if (!source) continue;
    for (AlertNotification& alert : source()) snapshot.alerts.push_back(std::move(alert));
  }
  return snapshot;
}

}  // namespace specwatch
