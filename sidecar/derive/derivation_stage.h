// The pipeline stage that turns records into metrics: the source's profile maps each parsed
// record (or text line) onto canonical events, and DerivedMetrics counts them. A record that a
// profile cannot map cleanly is counted in specwatch_source_errors_total with the profile's reason
// (invalid_field, missing_field, wrong_input); its other events still count.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sidecar/core/error_reporter.h"
#include "sidecar/core/event_consumer.h"
#include "sidecar/derive/derived_metrics.h"
#include "sidecar/normalize/event_buffer.h"
#include "sidecar/normalize/profile_set.h"
#include "sidecar/pipeline/record_processor.h"

namespace specwatch {

class DerivationStage final : public RecordProcessor {
 public:
  // `profiles` must stay unchanged while the stage is in use. A batch without profile (a source
  // that names none) is counted by the pipeline but derives no metrics.
  DerivationStage(const ProfileSet& profiles, DerivedMetrics& metrics, ErrorReporter& errors);

  void on_json(const RecordBatch& batch, const Record& record,
               const rapidjson::Value& value) override;
  void on_text(const RecordBatch& batch, const Record& record) override;
  // Records the batch's events in DerivedMetrics (see events_), then hands them to the consumers.
  void on_batch_end(RecordBatch& batch) override;

  // Interim fan-out until the normalize stage calls every EventConsumer itself: each batch's
  // events go, after DerivedMetrics, to these consumers (the exporters), in order, on the
  // pipeline worker thread. `consumer` must outlive the stage.
  void add_consumer(EventConsumer& consumer) { consumers_.push_back(&consumer); }

 private:
  const CompiledProfile* profile_for(const RecordBatch& batch);
  void report(const RecordBatch& batch, const Record& record, std::string_view reason);
  // For the consumers: the batch's record index of each event normalize() just appended.
  void note_records(const RecordBatch& batch, const Record& record);

  const ProfileSet& profiles_;
  DerivedMetrics& metrics_;
  ErrorReporter& errors_;
  // The events of the current batch, recorded at its end: DerivedMetrics then takes its mutex once
  // per batch instead of once per event. The buffer is reused batch after batch, so normalizing
  // allocates nothing once warm (worker thread only). The metrics are the same, updated before
  // the batch is released.
  EventBuffer events_;
  // The last batch profile looked up: batches of one source follow each other.
  std::string cached_name_;
  const CompiledProfile* cached_profile_ = nullptr;
  // The batch being derived and its profile, from its first record to on_batch_end: the batch's
  // other records need no look-up (not even a name comparison).
  const RecordBatch* batch_ = nullptr;
  const CompiledProfile* batch_profile_ = nullptr;
  // Interim fan-out (add_consumer): the consumers and, parallel to events_, each event's record.
  std::vector<EventConsumer*> consumers_;
  std::vector<std::uint32_t> record_index_;
};

}  // namespace specwatch
