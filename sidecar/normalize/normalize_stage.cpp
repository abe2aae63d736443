#include "sidecar/normalize/normalize_stage.h"

#include <algorithm>

#include "sidecar/core/event_batch.h"

namespace specwatch {

NormalizeStage::NormalizeStage(const ProfileSet& profiles, ErrorReporter& errors,
                               prometheus::Registry* registry)
    : profiles_(profiles), errors_(errors), calls_(registry, CallDeduplicator::Limits{}) {}

const CompiledProfile* NormalizeStage::profile_for(const RecordBatch& batch) {
  if (&batch == batch_) return batch_profile_;
  batch_ = &batch;
  batch_profile_ = nullptr;
  if (batch.profile.empty()) return nullptr;  // a source without profile yields no events
  const std::string& name = batch.profile;
  if (cached_profile_ == nullptr || cached_name_ != name) {
    cached_name_ = name;
    cached_profile_ = profiles_.find(name);
  }
  batch_profile_ = cached_profile_;
  return cached_profile_;
}

void NormalizeStage::index_events(const RecordBatch& batch, const Record& record) {
  // The pipeline hands over the batch's own records, so the address gives the index.
  const auto index = static_cast<std::uint32_t>(&record - batch.records.data());
  record_index_.resize(events_.size(), index);
}

void NormalizeStage::on_json(const RecordBatch& batch, const Record& record, JsonRef value) {
  const CompiledProfile* profile = profile_for(batch);
  if (profile == nullptr) return;  // no profile (the config loader rejects unknown ones)
  const std::string_view reason =
      normalize(*profile, value, batch.service, events_, record.value_layout);
  index_events(batch, record);
  if (!reason.empty()) report(batch, record, reason);  // the call only for the rare bad record
}

void NormalizeStage::on_text(const RecordBatch& batch, const Record& record) {
  const CompiledProfile* profile = profile_for(batch);
  if (profile == nullptr) return;
  const std::string_view reason =
      normalize(*profile, std::string_view(record.data), batch.service, events_);
  index_events(batch, record);
  if (!reason.empty()) report(batch, record, reason);
}

bool NormalizeStage::may_block() const {
  return std::any_of(consumers_.begin(), consumers_.end(),
                     [](const EventConsumer* consumer) { return consumer->may_block(); });
}

void NormalizeStage::on_batch_end(RecordBatch& batch) {
  // A batch none of whose records was handed over (all failed to parse) was never looked up.
  const CompiledProfile* profile = &batch == batch_ ? batch_profile_ : profile_for(batch);
  batch_ = nullptr;  // another batch may come at the same address
  drop_duplicate_calls();
  const EventBatch events{batch, profile != nullptr ? profile->tool : Tool::kNone, events_.events(),
                          record_index_};
  for (EventConsumer* consumer : consumers_) consumer->consume(events);
  events_.clear();
  record_index_.clear();
}

void NormalizeStage::drop_duplicate_calls() {
  if (events_.empty()) return;
  calls_.begin_batch();
  // The keys of the calls that come from spans first, their table slots prefetched, then admitted
  // in order: the lookups' cache misses overlap (call_deduplicator.h). A batch without such calls
  // (provider-call logs: no span ids) drops nothing.
  span_keys_.clear();
  const auto from_span = [](const CanonicalEvent& e) {
    return e.kind() == EventKind::kLlmCall && CallDeduplicator::from_span(e.trace_id, e.span_id);
  };
  for (std::size_t i = 0; i < events_.size(); ++i) {
    const CanonicalEvent& event = events_[i];
    if (!from_span(event)) continue;
    span_keys_.push_back(
        CallDeduplicator::keys(event.trace_id, event.span_id, event.parent_span_id));
    calls_.prefetch(span_keys_.back());
  }
  if (span_keys_.empty()) return;
  std::size_t next = 0;  // the next call's keys
  std::size_t kept = 0;
  for (std::size_t i = 0; i < events_.size(); ++i) {
    if (from_span(events_[i]) && !calls_.admit(span_keys_[next++])) continue;
    if (kept != i) {
      events_.swap_slots(kept, i);
      record_index_[kept] = record_index_[i];
    }
    ++kept;
  }
  events_.truncate(kept);
  record_index_.resize(kept);
}

void NormalizeStage::report(const RecordBatch& batch, const Record& record,
                            std::string_view reason) {
  errors_.report(batch.source, record.origin, reason,
                 "record does not fit profile \"" + cached_name_ + "\" (" + std::string(reason) +
                     "); its other events are kept");
}

}  // namespace specwatch
