// Bad input must be counted every time and logged rarely: ErrorReporter increments
// specwatch_source_errors_total{source,reason} on every report and logs at most once per
// (origin, reason) per interval (one minute by default), saying how many were suppressed.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "sidecar/core/logger.h"

namespace specwatch {

class ErrorReporter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  ErrorReporter(
      Logger& logger, prometheus::Family<prometheus::Counter>& errors_total,
      std::chrono::seconds log_interval = std::chrono::seconds(60),
      Clock clock = [] { return std::chrono::steady_clock::now(); });

  // Thread-safe. `origin` is the file path (or peer) the bad input came from; `reason` a short
  // snake_case word that becomes the metric label; `message` the human explanation for the log.
  void report(const std::string& source, std::string_view origin, std::string_view reason,
              std::string_view message);

  // Returns the counter for (source, reason), creating it at 0, so that dashboards see the
  // series before the first error.
  prometheus::Counter& counter(const std::string& source, std::string_view reason);

 private:
  struct LogState {
    std::chrono::steady_clock::time_point last_logged{};
    std::uint64_t suppressed = 0;
    bool logged_once = false;
  };

  Logger& logger_;
  prometheus::Family<prometheus::Counter>& errors_total_;
  std::chrono::seconds log_interval_;
  Clock clock_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, prometheus::Counter*> counters_;
  std::map<std::pair<std::string, std::string>, LogState> log_states_;
};

}  // namespace specwatch
