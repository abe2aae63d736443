// The messages of one batch as the Kafka exporter keeps them until Kafka acknowledged them: in the
// disk spool (an entry of exporters/common/spool.h) or in memory. A flat binary record, so that
// the spool holds exactly what will be produced and the delivery thread needs no JSON work:
//   source, then per message: topic, key, service, event kind, value (the event document);
// each field a u32 length (little-endian) and its bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace specwatch {

struct KafkaMessage {
  std::string_view topic;
  std::string_view key;  // empty: no key
  std::string_view service;
  std::string_view kind;
  std::string_view value;
};

class KafkaEntryWriter {
 public:
  void begin(std::string_view source);
  void add(const KafkaMessage& message);
  std::size_t messages() const { return messages_; }
  const std::string& bytes() const { return bytes_; }
  std::string& bytes() { return bytes_; }

 private:
  void field(std::string_view text);
  std::string bytes_;
  std::size_t messages_ = 0;
};

// Splits an entry into its source and messages (views into `entry`); false when it is malformed.
bool parse_kafka_entry(std::string_view entry, std::string_view& source,
                       std::vector<KafkaMessage>& messages);

}  // namespace specwatch
