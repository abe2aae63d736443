// An OtlpBatchSink that forwards to another one which can be swapped while the receivers run: the
// daemon keeps its OTLP receivers (and their listeners) across a configuration reload and points
// them at each new pipeline. While no pipeline is attached (between the old one's stop and the new
// one's start) an export waits, up to `detached_wait` beyond its own timeout, rather than being
// refused: a reload must not turn into 503s.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "sidecar/otlp/otlp_ingest.h"

namespace specwatch {

class SwitchingBatchSink final : public OtlpBatchSink {
 public:
  explicit SwitchingBatchSink(std::chrono::milliseconds detached_wait = std::chrono::seconds(10))
      : detached_wait_(detached_wait) {}

  bool try_consume_for(RecordBatch& batch, std::chrono::milliseconds timeout) override;

  // From now on batches go to `target`, which must stay valid until detach().
  void attach(OtlpBatchSink& target);
  // Stops forwarding and waits for calls into the old target to return; new calls wait for the
  // next attach().
  void detach();

 private:
  const std::chrono::milliseconds detached_wait_;
  std::mutex mutex_;
  std::condition_variable changed_;
  OtlpBatchSink* target_ = nullptr;
  std::size_t in_flight_ = 0;
};

}  // namespace specwatch
