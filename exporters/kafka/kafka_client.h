// The librdkafka producer of one Kafka exporter: built from the defaults
// (kafka_default_properties()), the exporter's `properties:` and its brokers; produces one message
// with its headers (the value not copied: it stays the caller's until its delivery report); hands
// every delivery report and client error to the owner's handlers, which run on the thread that
// calls poll() (the exporter's delivery thread).
#pragma once

#include <librdkafka/rdkafka.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "exporters/kafka/kafka_entry.h"
#include "exporters/kafka/kafka_exporter_config.h"

namespace specwatch {

// True for what retrying cannot fix: the message is too large, the topic may not be written,
// the record is invalid. Such a message is dead-lettered instead of retried.
bool kafka_error_is_permanent(rd_kafka_resp_err_t error);

class KafkaClient {
 public:
  // `opaque` of a delivery report: what the owner passed to produce().
  using DeliveryHandler = std::function<void(void* opaque, rd_kafka_resp_err_t error)>;
  // A client-level error (brokers down, authentication failed); `fatal` when the producer can no
  // longer be used (idempotence broken) and must be recreated.
  using ErrorHandler =
      std::function<void(rd_kafka_resp_err_t error, const std::string& reason, bool fatal)>;

  KafkaClient(DeliveryHandler on_delivery, ErrorHandler on_error);
  ~KafkaClient();
  KafkaClient(const KafkaClient&) = delete;
  KafkaClient& operator=(const KafkaClient&) = delete;

  // Creates the producer; "" on success, else why not.
  std::string create(const KafkaExporterConfig& config);

  // Queues one message in librdkafka; its delivery report comes through poll(). The value is not
  // copied (RD_KAFKA_MSG_F_COPY would copy every document once more): its bytes must stay where
  // they are until that report, or until destroy() returned. Key and headers are copied.
  rd_kafka_resp_err_t produce(const KafkaMessage& message, std::string_view source, void* opaque);

  // Serves delivery reports and errors for up to `timeout_ms`.
  void poll(int timeout_ms);
  // Messages queued or in flight in librdkafka.
  int outstanding() const;
  // Fails every message still queued (their reports say _PURGE_QUEUE / _PURGE_INFLIGHT), serves
  // the reports and destroys the producer.
  void destroy();
  bool created() const { return handle_ != nullptr; }

 private:
  struct TopicDeleter {
    void operator()(rd_kafka_topic_t* topic) const { rd_kafka_topic_destroy(topic); }
  };
  using TopicHandle = std::unique_ptr<rd_kafka_topic_t, TopicDeleter>;

  // The producer's handle of a topic, made once: a message named by its topic would make
  // librdkafka look the topic up (under a lock) and a copy of its name for every message.
  rd_kafka_topic_t* topic(std::string_view name);

  static void delivery_report(rd_kafka_t* handle, const rd_kafka_message_t* message, void* self);
  static void client_error(rd_kafka_t* handle, int error, const char* reason, void* self);

  DeliveryHandler on_delivery_;
  ErrorHandler on_error_;
  rd_kafka_t* handle_ = nullptr;  // owned; released by destroy()
  // The handles of the topics produced to (bounded by the topic router's max_topics), released
  // before the producer.
  std::map<std::string, TopicHandle, std::less<>> topics_;
  std::string_view last_topic_name_;  // a key of topics_
  rd_kafka_topic_t* last_topic_ = nullptr;
};

}  // namespace specwatch
