#include "exporters/elasticsearch/bulk_entry_encoder.h"

namespace specwatch {

BulkEntryEncoder::BulkEntryEncoder(PricingTable pricing, bool include_original,
                                   const Redactor* redactor, std::string index)
    : documents_(std::move(pricing), include_original, redactor), index_(std::move(index)) {}

const std::string& BulkEntryEncoder::encode(const EventBatch& batch) {
  lines_.clear();
  ends_.clear();
  ids_.clear();
  documents_.encode(batch, lines_, ends_, &ids_);
  entry_.begin(batch.source());
  std::size_t begin = 0;
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    BulkItem item;
    item.index = index_.name(batch.events[i].timestamp_ns);
    item.id = ids_[i];
    // The document without its line break.
    item.document = std::string_view(lines_).substr(begin, ends_[i] - 1 - begin);
    entry_.add(item);
    begin = ends_[i];
  }
  return entry_.bytes();
}

}  // namespace specwatch
