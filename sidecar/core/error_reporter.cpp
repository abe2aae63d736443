#include "sidecar/core/error_reporter.h"

namespace specwatch {

ErrorReporter::ErrorReporter(Logger& logger, prometheus::Family<prometheus::Counter>& errors_total,
                             std::chrono::seconds log_interval, Clock clock)
    : logger_(logger),
      errors_total_(errors_total),
      log_interval_(log_interval),
      clock_(std::move(clock)) {}

prometheus::Counter& ErrorReporter::counter(const std::string& source, std::string_view reason) {
  std::lock_guard lock(mutex_);
  auto key = std::make_pair(source, std::string(reason));
  auto it = counters_.find(key);
  if (it == counters_.end()) {
    auto& c = errors_total_.Add({{"source", source}, {"reason", std::string(reason)}});
    it = counters_.emplace(std::move(key), &c).first;
  }
  return *it->second;
}

void ErrorReporter::report(const std::string& source, std::string_view origin,
                           std::string_view reason, std::string_view message) {
  counter(source, reason).Increment();
  std::uint64_t suppressed = 0;
  {
    std::lock_guard lock(mutex_);
    auto& state = log_states_[{std::string(origin), std::string(reason)}];
    auto now = clock_();
    if (state.logged_once && now - state.last_logged < log_interval_) {
      ++state.suppressed;
      return;
    }
    suppressed = state.suppressed;
    state.suppressed = 0;
    state.logged_once = true;
    state.last_logged = now;
  }
  logger_.warn(message, {{"source", source},
                         {"origin", origin},
                         {"reason", reason},
                         {"suppressed_since_last_log", suppressed}});
}

}  // namespace specwatch
