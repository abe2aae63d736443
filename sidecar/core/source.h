// The interface every source implements (file tailing, the OTLP receivers). A source turns
// outside input into RecordBatches and hands them to the pipeline through a BatchConsumer; it
// learns that a batch is done through the batch's BatchAck.
//
// Lifecycle contract (component.h, shared with sinks): start() is called once; stop() may be
// called without start() and more than once; after stop() returns the source emits nothing more
// and has persisted its final state (a file source writes its last checkpoint covering every
// acknowledged batch).
#pragma once

#include <string>

#include "sidecar/core/component.h"
#include "sidecar/core/record.h"

namespace specwatch {

// Receives batches from a source. consume() may block: that is the backpressure path. It returns
// false when the pipeline is shutting down and did not take the batch.
class BatchConsumer {
 public:
  virtual ~BatchConsumer() = default;
  virtual bool consume(RecordBatch&& batch) = 0;
};

class Source : public Component {
 public:
  // stop(drain_timeout_ms): stop reading, wait for in-flight batches to be acknowledged (bounded
  // by the timeout), write the final state. ready(): true once the source is running (files
  // discovered, watches set up, listening).
};

}  // namespace specwatch
