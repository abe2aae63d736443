#include "sidecar/status/status_model.h"

#include <algorithm>
#include <chrono>

namespace specwatch {
namespace {

const std::string& find(const NotificationLabels& list, const std::string& name) {
  static const std::string kEmpty;
  for (const auto& [key, value] : list) {
    if (key == name) return value;
  }
  return kEmpty;
}

int state_rank(const std::string& state) {
  if (state == "firing") return 0;
  if (state == "pending") return 1;
  return 2;
}

}  // namespace

std::int64_t ComponentHealth::outcome(const std::string& name) const {
  for (const auto& [key, count] : outcomes) {
    if (key == name) return count;
  }
  return 0;
}

std::int64_t ComponentHealth::error_total() const {
  std::int64_t total = 0;
  for (const auto& [reason, count] : errors) total += count;
  return total;
}

const std::string& StatusAlert::label(const std::string& name) const {
  return find(labels, name);
}

const std::string& StatusAlert::annotation(const std::string& name) const {
  return find(annotations, name);
}

StatusAlert status_alert(const AlertNotification& alert) {
  using Clock = std::chrono::system_clock;
  return StatusAlert{alert.status == AlertNotification::Status::kFiring ? "firing" : "resolved",
                     alert.labels,
                     alert.annotations,
                     alert.value,
                     static_cast<std::int64_t>(Clock::to_time_t(alert.starts_at)),
                     static_cast<std::int64_t>(Clock::to_time_t(alert.ends_at)),
                     alert.origin};
}

StatusSnapshot take_status_snapshot(const StatusInputs& inputs) {
  StatusSnapshot snapshot;
  snapshot.now_s = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (inputs.components) snapshot.components = inputs.components();
  if (inputs.budgets) snapshot.budgets = inputs.budgets();
  for (const auto& source : inputs.alerts) {
    if (!source) continue;
    for (StatusAlert& alert : source()) snapshot.alerts.push_back(std::move(alert));
  }
  // What needs a look first; within a state, by name (stable: a producer's own order stays).
  std::stable_sort(snapshot.alerts.begin(), snapshot.alerts.end(),
                   [](const StatusAlert& a, const StatusAlert& b) {
                     const int ra = state_rank(a.state);
                     const int rb = state_rank(b.state);
                     if (ra != rb) return ra < rb;
                     return a.label("alertname") < b.label("alertname");
                   });
  return snapshot;
}

}  // namespace specwatch
