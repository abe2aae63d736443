// The one interface through which normalized events leave the pipeline: derived metrics, span
// metrics, budgets and every exporter implement it. The normalize stage calls consume() for each
// batch, on the thread that processes it (the pipeline's worker, or a source's own thread when the
// pipeline runs the batch there: pipeline.h), for every consumer in the order they were added.
//
// Contract:
// - consume() may block: that is backpressure. A consumer with a bounded queue that is full either
//   blocks (the pipeline stops, its queue fills, file sources stop reading and OTLP receivers
//   answer 503/UNAVAILABLE) or drops and counts, as its config says.
// - The batch is valid only during the call (event_batch.h). To hold the data longer, copy or
//   encode it and keep a copy of batch.ack() until it is delivered; call ack().update(kFailed) on
//   a copy to make the source keep the data for a re-read, kRejected for a permanent drop.
// - A consumer never throws out of consume(); bad data is counted and reported.
#pragma once

#include <string>

#include "sidecar/core/event_batch.h"

namespace specwatch {

class EventConsumer {
 public:
  virtual ~EventConsumer() = default;
  // The consumer's name, unique in the process: the `component` label of its self-metrics.
  virtual const std::string& name() const = 0;
  virtual void consume(const EventBatch& batch) = 0;
  // Whether consume() may wait on something outside the process: a full queue in `block` mode, a
  // disk, a network peer. The pipeline then never runs a batch on an OTLP receiver's thread, so
  // that a waiting consumer holds up the pipeline's worker, not the receiver, which goes on
  // answering "retry later". Consumers that only compute under their own locks keep the default.
  virtual bool may_block() const { return false; }
};

}  // namespace specwatch
