// The pipeline: a bounded queue that sources push RecordBatches into, and one worker thread that
// parses each record once and hands it to the record processors (normalize → derive → sinks).
// A batch whose values no processor reads (a source without profile) is only checked and counted.
// A full queue blocks the source in consume(): backpressure, never unbounded memory, never a drop.
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
  JsonParser parser_;                         // used by the worker thread only
  std::thread worker_;
  std::atomic<bool> started_{false};
};

}  // namespace specwatch
