// Shared by the OTLP unit tests: request builders, a fake pipeline sink that can hold batches
// (and their acknowledgements), gzip helpers and a gzip bomb.
#pragma once

#include <prometheus/registry.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "sidecar/otlp/otlp_ingest.h"
#include "tests/support/gzip_bomb.h"

namespace specwatch::testing {

namespace trace_v1 = opentelemetry::proto::collector::trace::v1;
namespace logs_v1 = opentelemetry::proto::collector::logs::v1;
namespace metrics_v1 = opentelemetry::proto::collector::metrics::v1;

// The GenAI span of the record-shape tests (see kSpanRecord).
trace_v1::ExportTraceServiceRequest genai_span_request();
// Its OTLP/JSON spelling (hex ids in upper and lower case, int64 as string and as number, an
// unknown field).
extern const char* const kGenAiSpanJson;
// The record the span becomes.
extern const char* const kSpanRecord;

// `count` valid spans of service `service` named "span-<i>".
trace_v1::ExportTraceServiceRequest simple_spans(const std::string& service, int count);
// Same, with one span whose trace id is 3 bytes long appended.
trace_v1::ExportTraceServiceRequest spans_with_one_bad(const std::string& service, int good);

std::string gzip(const std::string& data);

// Takes every batch while `capacity` allows (held batches count against it); refuses otherwise
// at once. With hold = false a batch's acknowledgement is released as soon as it is stored.
class FakeSink final : public OtlpBatchSink {
 public:
  bool try_consume_for(RecordBatch& batch, std::chrono::milliseconds timeout) override;
  void set_hold(bool hold);
  void set_capacity(std::size_t capacity);
  // Releases every held acknowledgement (answers the waiting exports).
  void release_all(DeliveryStatus status = DeliveryStatus::kDelivered);
  // Waits until `count` batches were taken (false after 5 s).
  bool wait_batches(std::size_t count);
  std::vector<RecordBatch> taken();  // copies without acknowledgements
  std::size_t refused() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool hold_ = false;
  std::size_t capacity_ = 1000000;
  std::vector<RecordBatch> batches_;  // acks released unless held
  std::vector<BatchAck> held_;
  std::size_t refused_ = 0;
};

// Holds the batches of service "slow" inside try_consume_for until released, on whichever thread
// offered them; passes every other batch straight to a FakeSink.
class SlowServiceSink final : public OtlpBatchSink {
 public:
  explicit SlowServiceSink(FakeSink& next) : next_(next) {}
  bool try_consume_for(RecordBatch& batch, std::chrono::milliseconds timeout) override {
    if (batch.service == "slow") {
      std::unique_lock lock(mutex_);
      ++entered_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return released_; });
    }
    return next_.try_consume_for(batch, timeout);
  }
  bool wait_entered() {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return entered_ > 0; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  FakeSink& next_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int entered_ = 0;
  bool released_ = false;
};

// The sink took `count` batches, the last of them the `spans` spans of service "slow" (held by a
// SlowServiceSink while the others went by).
void expect_slow_batch_last(FakeSink& sink, std::size_t count, std::size_t spans);

// Counts metrics exports and their data points.
class CountingMetricsConsumer final : public MetricsConsumer {
 public:
  void consume(const metrics_v1::ExportMetricsServiceRequest& request) override;
  int requests() const;
  std::int64_t points() const;

 private:
  mutable std::mutex mutex_;
  int requests_ = 0;
  std::int64_t points_ = 0;
};

}  // namespace specwatch::testing
