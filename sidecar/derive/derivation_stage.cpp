#include "sidecar/derive/derivation_stage.h"

namespace specwatch {

DerivationStage::DerivationStage(const ProfileSet& profiles, DerivedMetrics& metrics,
                                 ErrorReporter& errors)
    : profiles_(profiles), metrics_(metrics), errors_(errors) {}

const CompiledProfile* DerivationStage::profile_for(const RecordBatch& batch) {
  if (&batch == batch_) return batch_profile_;
  batch_ = &batch;
  batch_profile_ = nullptr;
  if (batch.profile.empty()) return nullptr;  // a source without profile derives nothing
  const std::string& name = batch.profile;
  if (cached_profile_ == nullptr || cached_name_ != name) {
    cached_name_ = name;
    cached_profile_ = profiles_.find(name);
  }
  batch_profile_ = cached_profile_;
  return cached_profile_;
}

void DerivationStage::on_json(const RecordBatch& batch, const Record& record,
                              const rapidjson::Value& value) {
  const CompiledProfile* profile = profile_for(batch);
  if (profile == nullptr) return;  // no profile (the config loader rejects unknown ones)
  const std::string_view reason = normalize(*profile, value, batch.service, events_);
  if (!reason.empty()) report(batch, record, reason);  // the call only for the rare bad record
  if (!consumers_.empty()) note_records(batch, record);
}

void DerivationStage::on_text(const RecordBatch& batch, const Record& record) {
  const CompiledProfile* profile = profile_for(batch);
  if (profile == nullptr) return;
  report(batch, record, normalize(*profile, std::string_view(record.data), batch.service, events_));
  if (!consumers_.empty()) note_records(batch, record);
}

void DerivationStage::note_records(const RecordBatch& batch, const Record& record) {
  const auto index = static_cast<std::uint32_t>(&record - batch.records.data());
  record_index_.resize(events_.size(), index);
}

void DerivationStage::on_batch_end(RecordBatch& batch) {
  const Tool tool = batch_profile_ != nullptr ? batch_profile_->tool : Tool::kNone;
  batch_ = nullptr;  // another batch may come at the same address
  metrics_.record(events_.events(), tool);
  if (!consumers_.empty()) {
    const EventBatch events{batch, tool_name(tool), events_.events(), record_index_};
    for (EventConsumer* consumer : consumers_) consumer->consume(events);
    record_index_.clear();
  }
  events_.clear();
}

void DerivationStage::report(const RecordBatch& batch, const Record& record,
                             std::string_view reason) {
  if (!reason.empty()) {
    errors_.report(batch.source, record.origin, reason,
                   "record does not fit profile \"" + cached_name_ + "\" (" + std::string(reason) +
                       "); its other events are kept");
  }
}

}  // namespace specwatch
