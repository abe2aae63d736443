#include "sidecar/otlp/switching_sink.h"

namespace specwatch {

bool SwitchingBatchSink::try_consume_for(RecordBatch& batch, std::chrono::milliseconds timeout) {
  OtlpBatchSink* target = nullptr;
  {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout + detached_wait_, [this] { return target_ != nullptr; })) {
      return false;
    }
    target = target_;
    ++in_flight_;
  }
  bool taken = target->try_consume_for(batch, timeout);
  {
    std::lock_guard lock(mutex_);
    --in_flight_;
  }
  changed_.notify_all();
  return taken;
}

void SwitchingBatchSink::attach(OtlpBatchSink& target) {
  {
    std::lock_guard lock(mutex_);
    target_ = &target;
  }
  changed_.notify_all();
}

void SwitchingBatchSink::detach() {
  std::unique_lock lock(mutex_);
  target_ = nullptr;
  changed_.wait(lock, [this] { return in_flight_ == 0; });
}

}  // namespace specwatch
