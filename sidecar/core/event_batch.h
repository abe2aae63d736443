// What every event consumer receives: the normalized events of one RecordBatch, together with the
// batch itself (source, service, raw records, acknowledgement) and, per event, the record it came
// from. Produced once per batch by the normalize stage (sidecar/normalize/normalize_stage.h) and
// handed, in order, to every consumer: derived metrics, span metrics, rule engines, exporters.
//
// Lifetime: an EventBatch, its events and its records live for the duration of one
// EventConsumer::consume() call only (the normalize stage reuses its event storage batch after
// batch, the pipeline releases the RecordBatch afterwards). A consumer that delivers later (an
// exporter with a queue) encodes or copies what it needs during the call, and keeps a copy of
// ack() until the copy is delivered; the source's checkpoint advances only when every consumer has
// released its copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "sidecar/core/acknowledgement.h"
#include "sidecar/core/event.h"
#include "sidecar/core/record.h"
#include "sidecar/core/tool.h"

namespace specwatch {

struct EventBatch {
  // The batch the events were normalized from: source, service, profile name, raw records.
  const RecordBatch& records;
  // The tool whose metrics the batch's profile feeds (CompiledProfile::tool); kNone for a batch
  // without profile.
  Tool tool = Tool::kNone;
  std::span<const CanonicalEvent> events;
  // Parallel to `events`: the index in records.records of the record each event came from.
  std::span<const std::uint32_t> record_index;

  const std::string& source() const { return records.source; }
  const std::string& service() const { return records.service; }
  const BatchAck& ack() const { return records.ack; }
  const Record& record_of(std::size_t event) const { return records.records[record_index[event]]; }
};

}  // namespace specwatch
