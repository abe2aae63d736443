#include "exporters/notifier_set.h"

#include <thread>

namespace specwatch {
namespace {

// In parallel: each drains its own queue within the same deadline.
void stop_all(std::vector<std::unique_ptr<AlertNotifier>>& notifiers, int drain_timeout_ms) {
  std::vector<std::thread> stoppers;
  for (auto& notifier : notifiers) {
    stoppers.emplace_back([&notifier, drain_timeout_ms] { notifier->stop(drain_timeout_ms); });
  }
  for (auto& stopper : stoppers) stopper.join();
}

}  // namespace

void NotifierSet::notify(std::span<const AlertNotification> alerts) {
  std::lock_guard lock(mutex_);
  for (auto& notifier : notifiers_) notifier->notify(alerts);
}

void NotifierSet::replace(std::vector<std::unique_ptr<AlertNotifier>> next, int drain_timeout_ms) {
  std::vector<std::unique_ptr<AlertNotifier>> old;
  {
    std::lock_guard lock(mutex_);
    old = std::exchange(notifiers_, {});
  }
  stop_all(old, drain_timeout_ms);
  for (auto& notifier : next) notifier->start();
  std::lock_guard lock(mutex_);
  notifiers_ = std::move(next);
}

void NotifierSet::stop(int drain_timeout_ms) {
  std::vector<std::unique_ptr<AlertNotifier>> old;
  {
    std::lock_guard lock(mutex_);
    old = std::exchange(notifiers_, {});
  }
  stop_all(old, drain_timeout_ms);
}

std::size_t NotifierSet::size() const {
  std::lock_guard lock(mutex_);
  return notifiers_.size();
}

std::vector<std::pair<std::string, std::string>> NotifierSet::not_ready() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::string>> waiting;
  for (const auto& notifier : notifiers_) {
    if (!notifier->ready()) {
      std::string reason = notifier->not_ready_reason();
      waiting.emplace_back("notifier/" + notifier->name(), reason.empty() ? "starting" : reason);
    }
  }
  return waiting;
}

}  // namespace specwatch
