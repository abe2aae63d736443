// Turns an EventBatch into event documents (event_document.h), one per event, each followed by a
// line break: what every exporter writes, whatever it writes to (the file exporter as NDJSON,
// later Kafka one message per line, Elasticsearch a bulk body). Per event it derives the event id
// (event_id.h), the cost (call_cost.h, the same as specwatch_llm_cost_usd_total), the index of
// the event among its record's events, and when asked the raw record (event.original).
//
// Not thread-safe (the pricing table caches lookups): one encoder per sink, used by one thread at
// a time.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "exporters/common/event_document.h"
#include "exporters/common/event_id.h"
#include "sidecar/core/event_batch.h"
#include "sidecar/derive/pricing.h"

namespace specwatch {

class BatchEncoder {
 public:
  // `redactor`: nullptr for none; otherwise it must outlive the encoder.
  BatchEncoder(PricingTable pricing, bool include_original, const Redactor* redactor);

  // Appends the documents of every event of `batch` to `out`; ends receives, per document, the
  // offset in `out` just past its line break; `ids`, when given, each document's event.id (the
  // Elasticsearch exporter's `_id`).
  void encode(const EventBatch& batch, std::string& out, std::vector<std::size_t>& ends,
              std::vector<std::string>* ids = nullptr);

  // Redactions since the last reset (EventDocumentEncoder::redactions).
  EventDocumentEncoder& documents() { return documents_; }

  // The stream identity of a record for its event ids: the file source's fingerprint of the
  // file's first bytes (Record::stream_id, as 16 hex digits), which survives a rename and
  // copytruncate; the record's origin only for a record without one. Valid until the next call.
  std::string_view stream_identity(const Record& record);

 private:
  // The record as text: its bytes, or for a value decoded by a receiver its JSON serialization.
  std::string_view record_text(const Record& record);

  PricingTable pricing_;
  bool include_original_;
  std::array<char, 16> stream_hex_{};
  OffsetEventIds offset_ids_;
  OffsetEventIds::Text id_text_{};
  EventDocumentEncoder documents_;
  std::string value_text_;  // record_text() of a kValue record
};

}  // namespace specwatch
