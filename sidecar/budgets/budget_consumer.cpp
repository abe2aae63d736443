#include "sidecar/budgets/budget_consumer.h"

#include <chrono>

namespace specwatch {
namespace {

std::int64_t system_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

BudgetConsumer::BudgetConsumer(const BudgetsConfig& config, PricingTable pricing,
                               const std::string& state_dir, AlertReceiver& alerts, Logger& logger,
                               prometheus::Registry& registry, Clock clock)
    : interval_ms_(config.evaluation_interval_ms),
      budgets_(config.budgets.size()),
      alerts_(alerts),
      logger_(logger),
      counters_(component_counters(registry, name_, ComponentKind::kStage)),
      clock_(clock ? std::move(clock) : Clock(system_seconds)),
      store_(state_dir),
      engine_(config, std::move(pricing)) {
  if (budgets_ == 0) return;
  StateRead read = store_.read(kBudgetStateDocument, kBudgetStateVersion);
  if (read.status == StateRead::Status::kOk) {
    if (std::string error = engine_.restore(read.data, now()); !error.empty()) {
      logger_.error("cannot restore the budget state", {{"error", error}});
    }
  } else if (read.status == StateRead::Status::kCorrupt ||
             read.status == StateRead::Status::kError) {
    logger_.error("cannot read the budget state",
                  {{"error", read.error}, {"path", store_.path_of(kBudgetStateDocument)}});
  }
}

BudgetConsumer::~BudgetConsumer() {
  stop();
}

void BudgetConsumer::consume(const EventBatch& batch) {
  if (budgets_ == 0 || batch.events.empty()) return;
  const std::size_t events = batch.events.size();
  counters_.received.Increment(static_cast<double>(events));
  BudgetEngine::Recorded recorded;
  {
    std::lock_guard lock(mutex_);
    recorded = engine_.record(batch, now());
    if (recorded.changed) held_.push_back({batch.ack(), events});
  }
  counters_.sent.Increment(static_cast<double>(events - recorded.already_counted));
  if (recorded.already_counted > 0) {
    counters_.dropped.Increment(static_cast<double>(recorded.already_counted));
  }
}

void BudgetConsumer::start() {
  if (budgets_ == 0 || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void BudgetConsumer::run() {
  std::unique_lock lock(run_mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    flush();
    lock.lock();
  }
}

void BudgetConsumer::stop() {
  {
    std::lock_guard lock(run_mutex_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (budgets_ > 0) flush();
  std::lock_guard lock(mutex_);
  // Still held: the last state could not be written. Their records must be read again.
  for (Held& held : held_) {
    held.ack.update(DeliveryStatus::kFailed);
    counters_.failed.Increment(static_cast<double>(held.events));
  }
  held_.clear();
}

void BudgetConsumer::flush() {
  std::lock_guard flushing(flush_mutex_);
  std::vector<AlertNotification> alerts;
  std::string state;
  std::vector<Held> acks;
  {
    std::lock_guard lock(mutex_);
    engine_.evaluate(now(), alerts);
    state = engine_.save();
    acks.swap(held_);
  }
  if (std::string error = store_.write(kBudgetStateDocument, kBudgetStateVersion, state);
      !error.empty()) {
    logger_.error("cannot write the budget state", {{"error", error}});
    // Keep the positions held: the checkpoint must not pass records whose spend is not on disk.
    std::lock_guard lock(mutex_);
    held_.insert(held_.begin(), acks.begin(), acks.end());
  }
  acks.clear();  // released: the files' checkpoints may now pass these records
  alerts_.notify(alerts);
}

std::vector<BudgetStatus> BudgetConsumer::status() const {
  std::lock_guard lock(mutex_);
  return engine_.status(now());
}

}  // namespace specwatch
