#include "sidecar/pipeline/pipeline.h"

#include <algorithm>

#include "sidecar/core/utf8.h"
#include "sidecar/framing/json_parser.h"

namespace specwatch {

PipelineMetrics::PipelineMetrics(prometheus::Registry& registry)
    : events_total_(prometheus::BuildCounter()
                        .Name("specwatch_source_events_total")
                        .Help("Records framed and parsed, by source.")
                        .Register(registry)),
      queue_batches_(prometheus::BuildGauge()
                         .Name("specwatch_pipeline_queue_batches")
                         .Help("Batches waiting in the pipeline queue.")
                         .Register(registry)
                         .Add({})),
      queue_bytes_(prometheus::BuildGauge()
                       .Name("specwatch_pipeline_queue_bytes")
                       .Help("Record bytes waiting in the pipeline queue.")
                       .Register(registry)
                       .Add({})),
      batches_(prometheus::BuildCounter()
                   .Name("specwatch_pipeline_batches_total")
                   .Help("Batches processed by the pipeline (on its worker or inline).")
                   .Register(registry)
                   .Add({})) {}

prometheus::Counter& PipelineMetrics::events(const std::string& source) {
  std::lock_guard lock(mutex_);
  auto it = events_.find(source);
  if (it == events_.end()) {
    it = events_.emplace(source, &events_total_.Add({{"source", source}})).first;
  }
  return *it->second;
}

Pipeline::Pipeline(const PipelineConfig& config, PipelineMetrics& metrics, ErrorReporter& errors,
                   Logger& logger)
    : metrics_(metrics),
      errors_(errors),
      logger_(logger),
      source_queue_max_bytes_(config.source_queue_max_bytes),
      queue_(config.queue_max_batches, config.queue_max_bytes) {}

Pipeline::~Pipeline() {
  stop();
}

void Pipeline::start() {
  if (started_.exchange(true)) return;
  inline_allowed_.store(std::none_of(processors_.begin(), processors_.end(),
                                     [](const RecordProcessor* p) { return p->may_block(); }));
  worker_ = std::thread([this] { run(); });
}

void Pipeline::stop() {
  queue_.close();
  if (worker_.joinable()) worker_.join();
  // A batch being processed on a source's thread finishes before the pipeline goes away.
  std::lock_guard wait_for_inline(process_mutex_);
}

std::size_t Pipeline::weight_of(const RecordBatch& batch) {
  std::size_t bytes = 0;
  for (const auto& r : batch.records) bytes += r.weight();
  return bytes;
}

Pipeline::Queue::Lane* Pipeline::lane_for(const std::string& source) {
  if (source_queue_max_bytes_ == 0) return nullptr;
  std::lock_guard lock(lanes_mutex_);
  auto& lane = lanes_[source];
  if (!lane) lane = std::make_unique<Queue::Lane>(source_queue_max_bytes_);
  return lane.get();
}

bool Pipeline::consume(RecordBatch&& batch) {
  if (try_inline(batch)) return true;
  std::size_t weight = weight_of(batch);
  Queue::Lane* lane = lane_for(batch.source);
  bool taken = queue_.push(std::move(batch), weight, lane);
  if (!taken) batch.ack.update(DeliveryStatus::kFailed);
  update_queue_gauges();
  return taken;
}

bool Pipeline::try_consume_for(RecordBatch& batch, std::chrono::milliseconds timeout) {
  if (try_inline(batch)) return true;
  bool taken = queue_.try_push_for(batch, weight_of(batch), timeout);
  update_queue_gauges();
  return taken;
}

void Pipeline::update_queue_gauges() {
  metrics_.queue_batches().Set(static_cast<double>(queue_.size()));
  metrics_.queue_bytes().Set(static_cast<double>(queue_.weight()));
}

bool Pipeline::try_inline(RecordBatch& batch) {
  if (!inline_allowed_.load(std::memory_order_relaxed)) return false;
  // Busy (another thread processes a batch): the batch is queued behind it. Whoever holds the lock
  // has taken every batch it processes from the queue under the lock, so an empty queue seen under
  // it means no earlier batch is waiting anywhere.
  std::unique_lock lock(process_mutex_, std::try_to_lock);
  if (!lock.owns_lock() || !queue_.empty_and_open()) return false;
  RecordBatch taken = std::move(batch);
  process(taken);
  metrics_.batches().Increment();
  lock.unlock();
  return true;  // `taken`, and with it this consumer's BatchAck copy, is released here
}

void Pipeline::run() {
  while (queue_.wait_for_item()) {
    std::optional<RecordBatch> batch;
    {
      std::lock_guard lock(process_mutex_);
      batch = queue_.try_pop();
      if (!batch) continue;
      update_queue_gauges();
      process(*batch);
      metrics_.batches().Increment();
    }
    // The batch (and with it this consumer's BatchAck copy) is released here, unlocked.
  }
  logger_.debug("pipeline worker stopped");
}

void Pipeline::process(RecordBatch& batch) {
  auto& events = metrics_.events(batch.source);
  double parsed = 0;
  // A source without profile: its records are checked and counted, not built into values.
  bool values = false;
  for (auto* p : processors_) values = p->wants_values(batch) || values;
  for (auto& record : batch.records) {
    if (record.format == RecordFormat::kText) {
      if (!is_valid_utf8(record.data)) {
        // The record views bytes it shares with its batch: the repaired copy is the batch's.
        std::string repaired(record.data);
        sanitize_utf8(repaired);
        record.data = batch.own(std::move(repaired));
        record.padded = false;
        errors_.report(batch.source, record.origin, "invalid_utf8",
                       "text record holds invalid UTF-8; bad bytes replaced by U+FFFD");
      }
      parsed += 1;
      for (auto* p : processors_) p->on_text(batch, record);
      continue;
    }
    if (record.format == RecordFormat::kValue) {
      parsed += 1;
      for (auto* p : processors_) p->on_json(batch, record, JsonRef::of(*record.value));
      continue;
    }
    // Values are read through JsonRef: a record simdjson parsed is read on its tape, without a
    // RapidJSON value built from it.
    ParseResult result = values ? parser_.parse_view(record.data, record.padded)
                                : parser_.validate(record.data, record.padded);
    if (!result.ok()) {
      errors_.report(batch.source, record.origin, result.error_reason, result.error_message);
      continue;
    }
    if (result.repaired_utf8) {
      errors_.report(batch.source, record.origin, "invalid_utf8",
                     "record holds invalid UTF-8; bad bytes replaced by U+FFFD");
    }
    parsed += 1;
    if (values) {
      for (auto* p : processors_) p->on_json(batch, record, result.json);
    }
  }
  if (parsed > 0) events.Increment(parsed);
  for (auto* p : processors_) p->on_batch_end(batch);
}

}  // namespace specwatch
