#include "exporters/kafka/kafka_entry.h"

#include <cstring>

namespace specwatch {

void KafkaEntryWriter::field(std::string_view text) {
  const auto length = static_cast<std::uint32_t>(text.size());
  char bytes[4];
  std::memcpy(bytes, &length, 4);
  bytes_.append(bytes, 4);
  bytes_.append(text);
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

namespace {

bool take(std::string_view& rest, std::string_view& out) {
  if (rest.size() < 4) return false;
  std::uint32_t length;
  std::memcpy(&length, rest.data(), 4);
  rest.remove_prefix(4);
  if (rest.size() < length) return false;
  out = rest.substr(0, length);
  rest.remove_prefix(length);
  return true;
}

}  // namespace

bool parse_kafka_entry(std::string_view entry, std::string_view& source,
                       std::vector<KafkaMessage>& messages) {
  messages.clear();
  if (!take(entry, source)) return false;
  while (!entry.empty()) {
    KafkaMessage message;
    if (!take(entry, message.topic) || !take(entry, message.key) || !take(entry, message.service) ||
        !take(entry, message.kind) || !take(entry, message.value)) {
      return false;
    }
    messages.push_back(message);
  }
  return true;
}

}  // namespace specwatch
