// The interface every source implements (file tailing now; OTLP receivers later). A source turns
// outside input into RecordBatches and hands them to the pipeline through a BatchConsumer; it
// learns that a batch is done through the batch's BatchAck.
//
// Lifecycle contract: start() is called once; stop() may be called without start() and more than
// once; after stop() returns the source emits nothing more and has persisted its final state
// (a file source writes its last checkpoint covering every acknowledged batch).
#pragma once

#include <string>

#include "sidecar/core/record.h"

namespace specwatch {

// Receives batches from a source. consume() may block: that is the backpressure path. It returns
// false when the pipeline is shutting down and did not take the batch.
class BatchConsumer {
 public:
  virtual ~BatchConsumer() = default;
  virtual bool consume(RecordBatch&& batch) = 0;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual const std::string& name() const = 0;
  virtual void start() = 0;
  // Stop reading, wait for in-flight batches to be acknowledged (bounded by `drain_timeout_ms`),
  // write the final state.
  virtual void stop(int drain_timeout_ms) = 0;
  // True once the source is running (files discovered, watches set up).
  virtual bool ready() const = 0;
  // Why the source is not ready, for GET /ready; empty when ready.
  virtual std::string not_ready_reason() const = 0;
};

}  // namespace specwatch
