// Adapts the pipeline (or anything with a matching try_consume_for) to OtlpBatchSink. Header-only
// so that specwatch_otlp does not link the pipeline; the daemon, which has both, instantiates it:
//   PipelineSink<Pipeline> sink(pipeline);
#pragma once

#include <chrono>

#include "sidecar/otlp/otlp_ingest.h"

namespace specwatch {

template <typename PipelineT>
class PipelineSink final : public OtlpBatchSink {
 public:
  explicit PipelineSink(PipelineT& pipeline) : pipeline_(pipeline) {}
  bool try_consume_for(RecordBatch& batch, std::chrono::milliseconds timeout) override {
    return pipeline_.try_consume_for(batch, timeout);
  }

 private:
  PipelineT& pipeline_;
};

}  // namespace specwatch
