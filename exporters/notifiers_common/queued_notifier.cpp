#include "exporters/notifiers_common/queued_notifier.h"

#include <algorithm>

namespace specwatch {
namespace {

using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A Retry-After beyond this is not waited for: the notification counts as failed instead.
constexpr std::chrono::seconds kMaxRetryAfter{600};
constexpr std::chrono::seconds kFailureLogInterval{60};

bool matches_all(const std::vector<rules::LabelMatcher>& matchers, const AlertNotification& alert) {
  return std::all_of(matchers.begin(), matchers.end(), [&](const rules::LabelMatcher& m) {
    return m.matches(alert.label(m.name()));
  });
}

bool retryable(unsigned status) {
  return status == 0 || status == 429 || status >= 500;
}

}  // namespace

QueuedNotifier::QueuedNotifier(std::string name, std::string type, NotifierCommonConfig config,
                               std::unique_ptr<NotificationDelivery> delivery,
                               const NotifierServices& services)
    : name_(std::move(name)),
      type_(std::move(type)),
      config_(std::move(config)),
      delivery_(std::move(delivery)),
      logger_(services.logger),
      now_(services.now),
      metrics_(services.registry, name_),
      queue_(config_.queue_size, config_.queue_size),
      not_ready_("not started") {}

QueuedNotifier::~QueuedNotifier() {
  stop(0);
}

bool QueuedNotifier::routes(const AlertNotification& alert) const {
  return matches_all(config_.match, alert);
}

void QueuedNotifier::notify(std::span<const AlertNotification> alerts) {
  std::vector<AlertNotification> taken;
  for (const AlertNotification& alert : alerts) {
    if (routes(alert)) taken.push_back(alert);
  }
  if (taken.empty()) return;
  const double count = static_cast<double>(taken.size());
  metrics_.component.received.Increment(count);
  if (!queue_.try_push_for(taken, 1, milliseconds(0))) {
    metrics_.dropped.Increment(count);
    metrics_.component.dropped.Increment(count);
    report_failure("notification queue full; alerts dropped", "");
    return;
  }
  metrics_.queue.Set(static_cast<double>(queue_.size()));
}

void QueuedNotifier::start() {
  std::lock_guard lock(mutex_);
  if (started_ || stopping_) return;
  started_ = true;
  not_ready_ = "starting";
  thread_ = std::thread([this] { run(); });
}

void QueuedNotifier::stop(int drain_timeout_ms) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      drain_deadline_ = Steady::now() + milliseconds(std::max(drain_timeout_ms, 0));
    }
    not_ready_ = "stopped";
  }
  wake_.notify_all();
  queue_.close();
  if (thread_.joinable()) thread_.join();
  metrics_.queue.Set(static_cast<double>(queue_.size()));
}

bool QueuedNotifier::ready() const {
  std::lock_guard lock(mutex_);
  return started_ && !stopping_ && prepared_;
}

std::string QueuedNotifier::not_ready_reason() const {
  std::lock_guard lock(mutex_);
  return started_ && !stopping_ && prepared_ ? "" : not_ready_;
}

void QueuedNotifier::run() {
  auto prepare = [this] {
    std::string error = delivery_->prepare(*this);
    std::lock_guard lock(mutex_);
    prepared_ = error.empty();
    if (!stopping_) not_ready_ = error;
    return prepared_;
  };
  if (!prepare()) report_failure("notifier not ready", not_ready_reason());
  while (auto batch = queue_.pop()) {
    metrics_.queue.Set(static_cast<double>(queue_.size()));
    {
      std::lock_guard lock(mutex_);
      if (stopping_ && Steady::now() >= drain_deadline_) {
        // Past the drain deadline: what is left is not delivered (counted as failed).
        metrics_.failed.Increment(static_cast<double>(batch->size()));
        metrics_.component.failed.Increment(static_cast<double>(batch->size()));
        continue;
      }
    }
    if (!prepared_ && !prepare()) {
      metrics_.failed.Increment(static_cast<double>(batch->size()));
      metrics_.component.failed.Increment(static_cast<double>(batch->size()));
      report_failure("notifier not ready; alerts not delivered", not_ready_reason());
      continue;
    }
    delivery_->deliver(*batch, *this);
  }
}

bool QueuedNotifier::send(const HttpPostRequest& request, std::size_t alerts,
                          std::string_view what) {
  const double count = static_cast<double>(alerts);
  HttpPostResult result;
  for (int attempt = 1; attempt <= config_.retry.max_attempts; ++attempt) {
    const milliseconds timeout = attempt_timeout();
    if (timeout <= milliseconds(0)) break;
    result = http_post(request, config_.tls, timeout);
    if (result.status >= 200 && result.status < 300) {
      metrics_.sent.Increment(count);
      metrics_.component.sent.Increment(count);
      return true;
    }
    if (!retryable(result.status) || attempt == config_.retry.max_attempts) break;
    milliseconds delay = backoff(attempt);
    if (result.status == 429 && result.retry_after) {
      if (*result.retry_after > kMaxRetryAfter) break;
      delay = std::max(delay, milliseconds(*result.retry_after));
    }
    metrics_.retried.Increment(count);
    if (!pause(delay)) break;
  }
  metrics_.failed.Increment(count);
  metrics_.component.failed.Increment(count);
  std::string detail = result.status != 0 ? "HTTP " + std::to_string(result.status) : result.error;
  if (result.status != 0 && !result.body.empty()) detail += ": " + result.body.substr(0, 256);
  report_failure(std::string(what) + " not delivered", detail);
  return false;
}

milliseconds QueuedNotifier::attempt_timeout() const {
  std::lock_guard lock(mutex_);
  if (!stopping_) return config_.timeout;
  const auto left = std::chrono::duration_cast<milliseconds>(drain_deadline_ - Steady::now());
  return std::min(config_.timeout, left);
}

milliseconds QueuedNotifier::backoff(int attempt) {
  // Exponential from initial_backoff, capped at max_backoff; half fixed, half random, so that
  // notifiers failing together do not retry in step.
  const int shift = std::min(attempt - 1, 30);
  const auto grown = config_.retry.initial_backoff.count() * (std::int64_t{1} << shift);
  const auto capped = std::min<std::int64_t>(grown, config_.retry.max_backoff.count());
  std::uniform_int_distribution<std::int64_t> spread(0, capped / 2);
  return milliseconds(capped - capped / 2 + spread(jitter_));
}

bool QueuedNotifier::pause(milliseconds delay) {
  std::unique_lock lock(mutex_);
  const auto until = Steady::now() + delay;
  while (true) {
    const auto limit = stopping_ ? std::min(until, drain_deadline_) : until;
    if (Steady::now() >= limit) break;
    wake_.wait_until(lock, limit);
  }
  return !(stopping_ && Steady::now() >= drain_deadline_);
}

void QueuedNotifier::report_failure(std::string_view message, std::string_view detail) {
  std::uint64_t suppressed = 0;
  {
    std::lock_guard lock(mutex_);
    const auto now = Steady::now();
    if (last_failure_log_ != Steady::time_point{} &&
        now - last_failure_log_ < kFailureLogInterval) {
      ++suppressed_failures_;
      return;
    }
    last_failure_log_ = now;
    suppressed = suppressed_failures_;
    suppressed_failures_ = 0;
  }
  logger_.warn(message, {{"notifier", name_},
                         {"type", type_},
                         {"detail", detail},
                         {"suppressed_since_last_log", static_cast<std::uint64_t>(suppressed)}});
}

}  // namespace specwatch
