// What the notifier tests share: alerts to hand over, a notifier config with fast retries, a
// clock the test moves, a captured log, and counter values read back from the registry.
#pragma once

#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "exporters/notifiers_common/queued_notifier.h"
#include "sidecar/core/alert_notification.h"
#include "tests/support/wait_until.h"
#include "tests/unit/exporters/test_dir.h"

namespace specwatch::testing {

using namespace std::chrono_literals;

// 2026-01-02T03:04:05.000Z
inline std::chrono::system_clock::time_point fixed_time() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1767323045));
}

inline AlertNotification firing_alert(const std::string& name, const std::string& severity,
                                      const std::string& instance = "pod-a:9464") {
  AlertNotification alert;
  alert.labels = {{"alertname", name},
                  {"instance", instance},
                  {"job", "specwatch"},
                  {"service", "specular"},
                  {"severity", severity}};
  alert.annotations = {{"runbook_url", "https://runbooks.example/" + name},
                       {"summary", name + " on " + instance}};
  alert.value = 0.25;
  alert.starts_at = fixed_time();
  alert.ends_at = fixed_time() + 4min;
  alert.generator_url = "http://specwatch:9464/api/v1/alerts";
  alert.origin = "rules";
  return alert;
}

inline AlertNotification resolved(AlertNotification alert) {
  alert.status = AlertNotification::Status::kResolved;
  alert.ends_at = fixed_time() + 10min;
  return alert;
}

inline NotifierCommonConfig fast_common() {
  NotifierCommonConfig common;
  common.timeout = 5s;
  common.retry.max_attempts = 4;
  common.retry.initial_backoff = 20ms;
  common.retry.max_backoff = 80ms;
  return common;
}

// A wall clock the test sets.
struct TestClock {
  std::atomic<std::int64_t> ms{
      std::chrono::duration_cast<std::chrono::milliseconds>(fixed_time().time_since_epoch())
          .count()};
  std::chrono::system_clock::time_point now() const {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms.load()));
  }
  void advance(std::chrono::milliseconds by) { ms += by.count(); }
};

struct LogCapture {
  std::mutex mutex;
  std::vector<std::string> lines;
  Logger logger{LogLevel::kDebug, [this](std::string_view line) {
                  std::lock_guard lock(mutex);
                  lines.emplace_back(line);
                }};
  std::string all() {
    std::lock_guard lock(mutex);
    std::string out;
    for (const auto& line : lines) out += line;
    return out;
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return lines.size();
  }
};

// The value of a counter or gauge series; -1 when absent.
double metric_value(prometheus::Registry& registry, const std::string& name,
                    const std::map<std::string, std::string>& labels);

inline double notifications(prometheus::Registry& registry, const std::string& notifier,
                            const std::string& outcome) {
  return metric_value(registry, "specwatch_notifications_total",
                      {{"notifier", notifier}, {"outcome", outcome}});
}

// Everything the registry exposes, as text (to check that no secret is in it).
std::string all_metric_text(prometheus::Registry& registry);

// Waits until specwatch_notifications_total{notifier, outcome} reaches `value`.
inline bool wait_until_value(prometheus::Registry& registry, const std::string& notifier,
                             const std::string& outcome, double value) {
  return wait_until([&] { return notifications(registry, notifier, outcome) >= value; });
}

void write_text(const std::string& path, const std::string& text);

// A 32-character PagerDuty integration key.
inline constexpr const char* kRoutingKey = "R0UT1NGKEY0123456789abcdefABCDEF";

}  // namespace specwatch::testing
