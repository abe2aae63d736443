#include "exporters/kafka/kafka_entry.h"

#include "exporters/common/length_prefixed.h"

namespace specwatch {

void KafkaEntryWriter::field(std::string_view text) {
  append_field(bytes_, text);
}

void KafkaEntryWriter::begin(std::string_view source) {
  bytes_.clear();
  messages_ = 0;
  field(source);
}

void KafkaEntryWriter::add(const KafkaMessage& message) {
  field(message.topic);
  field(message.key);
  field(message.service);
  field(message.kind);
  field(message.value);
  ++messages_;
}

bool parse_kafka_entry(std::string_view entry, std::string_view& source,
                       std::vector<KafkaMessage>& messages) {
  messages.clear();
  if (!take_field(entry, source)) return false;
  while (!entry.empty()) {
    KafkaMessage message;
    if (!take_field(entry, message.topic) || !take_field(entry, message.key) ||
        !take_field(entry, message.service) || !take_field(entry, message.kind) ||
        !take_field(entry, message.value)) {
      return false;
    }
    messages.push_back(message);
  }
  return true;
}

}  // namespace specwatch
