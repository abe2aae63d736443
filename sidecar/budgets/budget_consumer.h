// The budgets as an event consumer of the normalize stage: counts each batch into the
// BudgetEngine and, every evaluation_interval_ms on a thread of its own, evaluates the alerts
// (handed to an AlertReceiver) and persists the state (the state store document "budgets").
//
// Durable exactness: a batch that changed a budget keeps its acknowledgement held until a state
// that includes it has been written. The source's checkpoint cannot pass a counted record before
// the state that counted it is on disk, and the state's watermarks (per source and file stream,
// Record::stream_id + end_offset) skip, after a restart, the records of the re-read window that
// the state already holds. So after kill -9 at any moment the spend equals that of the records in
// the files (docs/BUDGETS.md says where this holds and where it cannot).
//
// Self-metrics: specwatch_component_events_total{component="budgets",kind="stage"}: `received`
// every event of each batch; `sent` the events evaluated against the budgets; `dropped` the LLM
// calls skipped as already counted (the re-read window after a restart); `failed` the events of
// batches released as failed at stop because their state could not be written (read again). It
// has no queue: it counts on the pipeline worker, and only holds acknowledgements.
#pragma once

#include <prometheus/registry.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sidecar/budgets/budget_engine.h"
#include "sidecar/core/component_metrics.h"
#include "sidecar/core/event_consumer.h"
#include "sidecar/core/logger.h"
#include "sidecar/state/state_store.h"

namespace specwatch {

inline constexpr const char* kBudgetStateDocument = "budgets";
inline constexpr int kBudgetStateVersion = 1;

class BudgetConsumer : public EventConsumer {
 public:
  using Clock = std::function<std::int64_t()>;  // unix seconds

  BudgetConsumer(const BudgetsConfig& config, PricingTable pricing, const std::string& state_dir,
                 AlertReceiver& alerts, Logger& logger, prometheus::Registry& registry,
                 Clock clock = {});
  ~BudgetConsumer() override;
  BudgetConsumer(const BudgetConsumer&) = delete;
  BudgetConsumer& operator=(const BudgetConsumer&) = delete;

  const std::string& name() const override { return name_; }
  void consume(const EventBatch& batch) override;

  // Starts the evaluation thread. stop() evaluates and persists once more and releases every held
  // acknowledgement; safe without start() and twice.
  void start();
  void stop();
  // Evaluates, notifies and persists now (the thread does this every interval).
  void flush();

  std::vector<BudgetStatus> status() const;
  bool enabled() const { return budgets_ > 0; }

 private:
  // A batch whose state is not written yet, with the number of its events.
  struct Held {
    BatchAck ack;
    std::size_t events = 0;
  };

  std::int64_t now() const { return clock_(); }
  void run();

  std::string name_ = "budgets";
  std::int64_t interval_ms_;
  std::size_t budgets_;
  AlertReceiver& alerts_;
  Logger& logger_;
  ComponentCounters counters_;
  Clock clock_;
  StateStore store_;
  mutable std::mutex mutex_;  // engine_, held_
  BudgetEngine engine_;
  std::vector<Held> held_;
  std::mutex flush_mutex_;  // one flush at a time, so states are written in order
  std::mutex run_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace specwatch
