// The pipeline stage between records and everything that consumes events: the batch's profile
// maps each parsed record (or text line) onto canonical events, and at the batch's end one
// EventBatch (sidecar/core/event_batch.h) goes to every registered EventConsumer, in the order
// they were added: derived metrics, span metrics, rule engines, exporters (fan-out). A record that
// a profile cannot map cleanly is counted in specwatch_source_errors_total with the profile's
// reason (invalid_field, missing_field, wrong_input); its other events still go on.
//
// Every batch is handed on, also one without profile or without events: a consumer may need only
// the raw records (span metrics read the OTLP span records themselves).
//
// Before the fan-out, an llm_call event from a span whose parent or child span already described
// the same call is dropped (call_deduplicator.h), so that every consumer counts a doubly
// instrumented call once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/core/error_reporter.h"
#include "sidecar/core/event_consumer.h"
#include "sidecar/normalize/call_deduplicator.h"
#include "sidecar/normalize/event_buffer.h"
#include "sidecar/normalize/profile_set.h"
#include "sidecar/pipeline/record_processor.h"

namespace specwatch {

class NormalizeStage final : public RecordProcessor {
 public:
  // `profiles` must stay unchanged while the stage is in use. A batch without profile (a source
  // that names none) yields no events.
  // `registry` (may be null) receives the de-duplication's counters.
  NormalizeStage(const ProfileSet& profiles, ErrorReporter& errors,
                 prometheus::Registry* registry = nullptr);

  // Consumers are called in the order added; add them all before the pipeline starts. Not owned:
  // they outlive the stage.
  void add_consumer(EventConsumer& consumer) { consumers_.push_back(&consumer); }

  void on_json(const RecordBatch& batch, const Record& record, JsonRef value) override;
  void on_text(const RecordBatch& batch, const Record& record) override;
  // A source without profile yields no events: its records' values are not needed.
  bool wants_values(const RecordBatch& batch) override { return profile_for(batch) != nullptr; }
  // Hands the batch's events to every consumer, then forgets them.
  void on_batch_end(RecordBatch& batch) override;
  // Whether a consumer may block (EventConsumer::may_block).
  bool may_block() const override;

 private:
  const CompiledProfile* profile_for(const RecordBatch& batch);
  // Remembers, for the events `record` just added, which record they came from.
  void index_events(const RecordBatch& batch, const Record& record);
  void report(const RecordBatch& batch, const Record& record, std::string_view reason);
  // Drops the batch's llm_call events that the deduplicator refuses (and their record indexes).
  void drop_duplicate_calls();

  const ProfileSet& profiles_;
  ErrorReporter& errors_;
  std::vector<EventConsumer*> consumers_;
  // The events of the current batch and, parallel to them, the index of each one's record. Both
  // are reused batch after batch, so normalizing allocates nothing once warm (worker thread only);
  // consumers see them for the duration of their consume() call only.
  EventBuffer events_;
  std::vector<std::uint32_t> record_index_;
  CallDeduplicator calls_;
  // The keys of the batch's llm_call events that come from spans, in order (reused batch after
  // batch).
  std::vector<CallDeduplicator::SpanKeys> span_keys_;
  // The last batch profile looked up: batches of one source follow each other.
  std::string cached_name_;
  const CompiledProfile* cached_profile_ = nullptr;
  // The batch being normalized and its profile, from its first record to on_batch_end: the
  // batch's other records need no look-up (not even a name comparison).
  const RecordBatch* batch_ = nullptr;
  const CompiledProfile* batch_profile_ = nullptr;
};

}  // namespace specwatch
