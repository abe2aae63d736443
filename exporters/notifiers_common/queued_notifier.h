// The one AlertNotifier every notifier type is: routing by `match:`, a bounded queue that
// notify() never blocks on (a full queue drops the call's alerts, counted), and a delivery thread
// that hands each queued batch to the type's NotificationDelivery. HTTP posts go through
// DeliveryContext::send(): retries with exponential backoff and jitter on 429, 5xx and no answer
// (Retry-After honoured), none on another 4xx; failures logged at most once per minute.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "exporters/notifiers_common/http_post.h"
#include "exporters/notifiers_common/notifier_common_config.h"
#include "exporters/notifiers_common/notifier_metrics.h"
#include "sidecar/core/alert_notification.h"
#include "sidecar/core/bounded_queue.h"
#include "sidecar/core/logger.h"

namespace specwatch {

// What a notifier gets from the runtime that builds it. They outlive the notifier.
struct NotifierServices {
  prometheus::Registry& registry;
  Logger& logger;
  std::string state_dir;  // where delivery ledgers are kept; empty: nothing persisted
  // The wall clock (tests move it to cross a repeat interval without waiting).
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

// The delivery thread's view of its notifier.
class DeliveryContext {
 public:
  virtual ~DeliveryContext() = default;
  // Posts with the notifier's retry policy; counts `alerts` notifications as sent or failed.
  // `what` names the attempt in the failure log ("trigger", "message").
  virtual bool send(const HttpPostRequest& request, std::size_t alerts, std::string_view what) = 0;
  virtual std::chrono::system_clock::time_point now() const = 0;
  // Logs a failure at most once a minute for this notifier (later ones are counted in the next).
  virtual void report_failure(std::string_view message, std::string_view detail) = 0;
};

// A type's delivery: called on the delivery thread only, so it needs no locking.
class NotificationDelivery {
 public:
  virtual ~NotificationDelivery() = default;
  // Checks secrets and loads persisted state; an error keeps the notifier not ready and is tried
  // again before the next batch.
  virtual std::string prepare(DeliveryContext& context) = 0;
  virtual void deliver(const std::vector<AlertNotification>& alerts, DeliveryContext& context) = 0;
};

class QueuedNotifier final : public AlertNotifier, private DeliveryContext {
 public:
  QueuedNotifier(std::string name, std::string type, NotifierCommonConfig config,
                 std::unique_ptr<NotificationDelivery> delivery, const NotifierServices& services);
  ~QueuedNotifier() override;

  const std::string& name() const override { return name_; }
  const std::string& type() const { return type_; }
  void start() override;
  void stop(int drain_timeout_ms) override;
  bool ready() const override;
  std::string not_ready_reason() const override;
  void notify(std::span<const AlertNotification> alerts) override;

  // Whether this notifier takes the alert (its `match:`).
  bool routes(const AlertNotification& alert) const;

 private:
  bool send(const HttpPostRequest& request, std::size_t alerts, std::string_view what) override;
  std::chrono::system_clock::time_point now() const override { return now_(); }
  void report_failure(std::string_view message, std::string_view detail) override;

  void run();
  // Waits `delay` unless the drain deadline comes first; false when it did.
  bool pause(std::chrono::milliseconds delay);
  std::chrono::milliseconds backoff(int attempt);
  std::chrono::milliseconds attempt_timeout() const;

  const std::string name_;
  const std::string type_;
  const NotifierCommonConfig config_;
  std::unique_ptr<NotificationDelivery> delivery_;
  Logger& logger_;
  std::function<std::chrono::system_clock::time_point()> now_;
  NotifierMetrics metrics_;
  BoundedQueue<std::vector<AlertNotification>> queue_;
  std::mt19937_64 jitter_{std::random_device{}()};  // delivery thread only

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool started_ = false;
  bool stopping_ = false;
  bool prepared_ = false;
  std::string not_ready_;
  std::chrono::steady_clock::time_point drain_deadline_ =
      std::chrono::steady_clock::time_point::max();
  std::chrono::steady_clock::time_point last_failure_log_{};
  std::uint64_t suppressed_failures_ = 0;
  std::thread thread_;
};

}  // namespace specwatch
