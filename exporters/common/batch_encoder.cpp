#include "exporters/common/batch_encoder.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <limits>

#include "exporters/common/event_id.h"

namespace specwatch {

std::string_view BatchEncoder::stream_identity(const Record& record) {
  if (record.stream_id == 0) return record.origin;
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t v = record.stream_id;
  for (std::size_t i = stream_hex_.size(); i-- > 0; v >>= 4) stream_hex_[i] = kHex[v & 0xf];
  return {stream_hex_.data(), stream_hex_.size()};
}

BatchEncoder::BatchEncoder(PricingTable pricing, bool include_original, const Redactor* redactor)
    : pricing_(std::move(pricing)), include_original_(include_original), documents_(redactor) {}

std::string_view BatchEncoder::record_text(const Record& record) {
  if (record.format != RecordFormat::kValue || record.value == nullptr) return record.data;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  record.value->Accept(writer);
  value_text_.assign(buffer.GetString(), buffer.GetSize());
  return value_text_;
}

void BatchEncoder::encode(const EventBatch& batch, std::string& out, std::vector<std::size_t>& ends,
                          std::vector<std::string>* ids) {
  constexpr std::uint32_t kNoRecord = std::numeric_limits<std::uint32_t>::max();
  std::uint32_t previous_record = kNoRecord;
  std::uint32_t index = 0;  // of the event among its record's events (they follow each other)
  const Record* text_of = nullptr;  // the record whose text is in `text`
  std::string_view text;
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const CanonicalEvent& event = batch.events[i];
    const std::uint32_t record_index = batch.record_index[i];
    index = record_index == previous_record ? index + 1 : 0;
    previous_record = record_index;
    const Record& record = batch.record_of(i);
    auto text_of_record = [&]() {
      if (text_of != &record) {
        text = record_text(record);
        text_of = &record;
      }
      return text;
    };

    // A tailed record's id (the common case) into a stack buffer, from the stream's cached hash.
    std::string id_string;
    std::string_view id;
    if (record.end_offset != 0) {
      offset_ids_.set_stream(batch.source(), stream_identity(record));
      offset_ids_.write(record.end_offset, index, id_text_);
      id = std::string_view(id_text_.data(), id_text_.size());
    } else {
      id_string = !event.span_id.empty()
                      ? event_id_of_span(event.trace_id, event.span_id, index)
                      : event_id_of_content(batch.source(), stream_identity(record),
                                            text_of_record(), index);
      id = id_string;
    }
    std::optional<CallCost> cost;
    if (const auto* call = std::get_if<LlmCall>(&event.body)) {
      cost = llm_call_cost(*call, pricing_);
    }
    EventOrigin origin;
    origin.id = id;
    origin.source = batch.source();
    origin.path = record.origin;
    origin.offset = record.end_offset;
    if (include_original_) origin.original = text_of_record();
    documents_.append(event, origin, cost, out);
    out.push_back('\n');
    ends.push_back(out.size());
    if (ids != nullptr) ids->emplace_back(id);
  }
}

}  // namespace specwatch
