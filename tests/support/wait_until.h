// Polling for a condition another thread makes true (a server, a source, a notifier, a process):
// the one wait every test uses instead of sleeping for a guessed time.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace specwatch::testing {

// Polls `condition` every `poll` until it holds or `timeout` passes; returns its last value (it
// is asked once more at the deadline, so a condition that turned true during the last sleep
// counts).
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20),
                       std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(poll);
  }
  return true;
}

}  // namespace specwatch::testing
