// The pipeline stage that turns records into metrics: the source's profile maps each parsed
// record (or text line) onto canonical events, and DerivedMetrics counts them. A record that a
// profile cannot map cleanly is counted in specwatch_source_errors_total with the profile's reason
// (invalid_field, missing_field, wrong_input); its other events still count.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sidecar/core/error_reporter.h"
#include "sidecar/derive/derived_metrics.h"
#include "sidecar/normalize/event.h"
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

 private:
  const CompiledProfile* profile_for(const RecordBatch& batch);
  void derive(const RecordBatch& batch, const Record& record, std::string_view reason);

  const ProfileSet& profiles_;
  DerivedMetrics& metrics_;
  ErrorReporter& errors_;
  std::vector<CanonicalEvent> events_;  // reused for every record (worker thread only)
  // The last batch profile looked up: batches of one source follow each other.
  std::string cached_name_;
  const CompiledProfile* cached_profile_ = nullptr;
};

}  // namespace specwatch
