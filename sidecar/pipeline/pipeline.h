// The pipeline: a bounded queue that sources push RecordBatches into, and one worker thread that
// parses each record once and hands it to the record processors (normalize → derive → sinks).
// A batch whose values no processor reads (a source without profile) is only checked and counted.
// A full queue blocks the source in consume(): backpressure, never unbounded memory, never a drop.
//
// A batch offered while the pipeline is idle (nothing queued, nothing being processed) is
// processed at once on the offering thread, when no processor may block (RecordProcessor::
// may_block: no sink is configured). Why: a file source waits in consume() and an OTLP receiver
// waits for the batch's acknowledgement before it answers, so handing the batch to the worker and
// the acknowledgement back bought no parallelism, only two thread wake-ups per batch and the
// batch's bytes moved to the other core's cache (measured in docs/PERFORMANCE.md: OTLP +30 %
// spans per CPU-second, W1-LLM −5 % CPU). Order is kept: batches are processed one at a time,
// under one lock, and a batch runs at once only when none is queued. The acknowledgement then
// runs on the offering thread, after the lock is released, as it runs on the worker otherwise.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sidecar/core/bounded_queue.h"
#include "sidecar/core/error_reporter.h"
#include "sidecar/core/logger.h"
#include "sidecar/core/source.h"
#include "sidecar/framing/json_parser.h"
#include "sidecar/pipeline/pipeline_config.h"
#include "sidecar/pipeline/record_processor.h"

namespace specwatch {

// The pipeline's own series, shared across pipeline rebuilds (a SIGHUP reload makes a new
// Pipeline; its counters continue).
class PipelineMetrics {
 public:
  explicit PipelineMetrics(prometheus::Registry& registry);
  prometheus::Counter& events(const std::string& source);
  prometheus::Gauge& queue_batches() { return queue_batches_; }
  prometheus::Gauge& queue_bytes() { return queue_bytes_; }
  prometheus::Counter& batches() { return batches_; }

 private:
  prometheus::Family<prometheus::Counter>& events_total_;
  prometheus::Gauge& queue_batches_;
  prometheus::Gauge& queue_bytes_;
  prometheus::Counter& batches_;
  std::mutex mutex_;
  std::map<std::string, prometheus::Counter*> events_;
};

class Pipeline final : public BatchConsumer {
 public:
  Pipeline(const PipelineConfig& config, PipelineMetrics& metrics, ErrorReporter& errors,
           Logger& logger);
  ~Pipeline() override;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Processors run in the order added; add them all before start().
  void add_processor(RecordProcessor& processor) { processors_.push_back(&processor); }

  void start();
  // Refuses new batches, processes what is queued, joins the worker. Safe without start().
  void stop();

  // Blocks while the queue is full. False once stopping (the batch is then released unprocessed
  // and its acknowledgement reports kFailed, so a file source keeps the data for a re-read).
  bool consume(RecordBatch&& batch) override;
  // Gives up after `timeout` with the batch untouched: for network receivers that must answer
  // their sender with "retry later" instead of blocking.
  bool try_consume_for(RecordBatch& batch, std::chrono::milliseconds timeout);

  std::size_t queued_batches() const { return queue_.size(); }

 private:
  using Queue = BoundedQueue<RecordBatch>;

  static std::size_t weight_of(const RecordBatch& batch);
  // The lane of a source that pushes with consume(), or null when sources have no bound of their
  // own (pipeline.source_queue_max_bytes: 0).
  Queue::Lane* lane_for(const std::string& source);
  void run();
  // Processes `batch` on this thread if the pipeline is idle (see above) and returns true; else
  // leaves it untouched.
  bool try_inline(RecordBatch& batch);
  void process(RecordBatch& batch);
  void update_queue_gauges();

  PipelineMetrics& metrics_;
  ErrorReporter& errors_;
  Logger& logger_;
  const std::size_t source_queue_max_bytes_;
  std::mutex lanes_mutex_;
  // Declared before the queue, so that they outlive the batches still in it.
  std::map<std::string, std::unique_ptr<Queue::Lane>, std::less<>> lanes_;
  Queue queue_;
  std::vector<RecordProcessor*> processors_;  // not owned: they outlive the pipeline
  // Held while a batch is taken from the queue and processed, or processed inline: one batch at a
  // time, in order, whatever thread runs it.
  std::mutex process_mutex_;
  JsonParser parser_;  // used under process_mutex_ only
  // Set by start(): no processor may block, so idle batches may run on the offering thread.
  std::atomic<bool> inline_allowed_{false};
  std::thread worker_;
  std::atomic<bool> started_{false};
};

}  // namespace specwatch
