// One EventBatch as the Elasticsearch exporter keeps it until Elasticsearch stored it: the bulk
// entry of elasticsearch_bulk.h (the source, then per event its `_index`, its `_id` and its event
// document). The sink stores the entry in its forward buffer; the sender turns it into `_bulk`
// bodies. Pure (no I/O), so that the benchmark (bench/exporters) encodes exactly what the sink
// does.
//
// Not thread-safe (BatchEncoder's pricing cache, the reused buffers): one per sink.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "exporters/common/batch_encoder.h"
#include "exporters/elasticsearch/elasticsearch_bulk.h"

namespace specwatch {

class BulkEntryEncoder {
 public:
  // `index`: the daily index pattern or the data stream's name; `redactor`: nullptr for none,
  // otherwise it must outlive the encoder.
  BulkEntryEncoder(PricingTable pricing, bool include_original, const Redactor* redactor,
                   std::string index);

  // The entry of `batch`; valid until the next call.
  const std::string& encode(const EventBatch& batch);

  // Redactions since the last reset (EventDocumentEncoder::redactions).
  EventDocumentEncoder& documents() { return documents_.documents(); }

 private:
  BatchEncoder documents_;
  IndexNamer index_;
  BulkEntryWriter entry_;
  std::string lines_;
  std::vector<std::size_t> ends_;
  std::vector<std::string> ids_;
};

}  // namespace specwatch
