// What the pipeline worker does with each parsed record. Normalization and derivation implement
// this; the pipeline itself knows nothing of tools, profiles or metrics beyond its own counters.
#pragma once

#include "sidecar/core/record.h"
#include "sidecar/framing/json_ref.h"

namespace specwatch {

class RecordProcessor {
 public:
  virtual ~RecordProcessor() = default;
  // A record of format kJson that parsed, or one of format kValue. `value` (a RapidJSON value, or
  // a view of simdjson's document for records simdjson parsed) is valid only during the call.
  virtual void on_json(const RecordBatch& batch, const Record& record, JsonRef value) = 0;
  // A record of format kText (already UTF-8 clean).
  virtual void on_text(const RecordBatch& batch, const Record& record) = 0;
  // Whether this processor reads the values of `batch`'s JSON records (asked once per batch,
  // before its records). When no processor does, the pipeline only checks that each record is
  // JSON (counted and reported as always) without building its value, and on_json is not called.
  virtual bool wants_values(const RecordBatch& /*batch*/) { return true; }
  // Called once per batch after all its records, before the batch is released (flush per-batch
  // state, hand the batch to sinks, ...).
  virtual void on_batch_end(RecordBatch& /*batch*/) {}
  // Whether processing a batch may wait on something outside the process (see
  // EventConsumer::may_block); asked once, when the pipeline starts.
  virtual bool may_block() const { return false; }
};

}  // namespace specwatch
