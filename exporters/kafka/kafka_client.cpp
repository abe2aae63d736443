#include "exporters/kafka/kafka_client.h"

#include "exporters/common/event_document.h"

namespace specwatch {

bool kafka_error_is_permanent(rd_kafka_resp_err_t error) {
  switch (error) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
      return true;
    default:
      return false;
  }
}

KafkaClient::KafkaClient(DeliveryHandler on_delivery, ErrorHandler on_error)
    : on_delivery_(std::move(on_delivery)), on_error_(std::move(on_error)) {}

KafkaClient::~KafkaClient() {
  destroy();
}

std::string KafkaClient::create(const KafkaExporterConfig& config) {
  if (handle_ != nullptr) return "";
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  auto set = [&](const std::string& name, const std::string& value) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) ==
        RD_KAFKA_CONF_OK) {
      return true;
    }
    return false;
  };
  for (const auto& [name, value] : kafka_default_properties()) set(name, value);
  set("bootstrap.servers", config.brokers);
  for (const auto& [name, value] : config.properties) {
    if (!set(name, value)) {
      rd_kafka_conf_destroy(conf);
      return "property " + name + ": " + error;
    }
  }
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_dr_msg_cb(conf, &KafkaClient::delivery_report);
  rd_kafka_conf_set_error_cb(conf, &KafkaClient::client_error);
  // rd_kafka_new takes the configuration only when it succeeds.
  handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (handle_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return std::string("cannot create the Kafka producer: ") + error;
  }
  return "";
}

rd_kafka_topic_t* KafkaClient::topic(std::string_view name) {
  // Most exporters write one topic, and a batch's events mostly share theirs.
  if (last_topic_ != nullptr && name == last_topic_name_) return last_topic_;
  auto found = topics_.find(name);
  if (found == topics_.end()) {
    TopicHandle handle(rd_kafka_topic_new(handle_, std::string(name).c_str(), nullptr));
    if (handle == nullptr) return nullptr;
    found = topics_.emplace(std::string(name), std::move(handle)).first;
  }
  last_topic_name_ = found->first;
  last_topic_ = found->second.get();
  return last_topic_;
}

rd_kafka_resp_err_t KafkaClient::produce(const KafkaMessage& message, std::string_view source,
                                         void* opaque) {
  static const std::string schema_version = std::to_string(kEventSchemaVersion);
  rd_kafka_topic_t* handle = topic(message.topic);
  if (handle == nullptr) return rd_kafka_last_error();
  return rd_kafka_producev(
      handle_, RD_KAFKA_V_RKT(handle), RD_KAFKA_V_MSGFLAGS(0),
      RD_KAFKA_V_VALUE(const_cast<char*>(message.value.data()), message.value.size()),
      RD_KAFKA_V_KEY(message.key.empty() ? nullptr : message.key.data(), message.key.size()),
      RD_KAFKA_V_HEADER("source", source.data(), static_cast<ssize_t>(source.size())),
      RD_KAFKA_V_HEADER("service", message.service.data(),
                        static_cast<ssize_t>(message.service.size())),
      RD_KAFKA_V_HEADER("event.kind", message.kind.data(),
                        static_cast<ssize_t>(message.kind.size())),
      RD_KAFKA_V_HEADER("schema_version", schema_version.data(),
                        static_cast<ssize_t>(schema_version.size())),
      RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
}

void KafkaClient::poll(int timeout_ms) {
  if (handle_ != nullptr) rd_kafka_poll(handle_, timeout_ms);
}

int KafkaClient::outstanding() const {
  return handle_ == nullptr ? 0 : rd_kafka_outq_len(handle_);
}

void KafkaClient::destroy() {
  if (handle_ == nullptr) return;
  rd_kafka_purge(handle_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  // The purged messages' reports: their owner keeps them for the next producer.
  rd_kafka_poll(handle_, 0);
  rd_kafka_flush(handle_, 1000);
  last_topic_ = nullptr;
  last_topic_name_ = {};
  topics_.clear();
  rd_kafka_destroy(handle_);
  handle_ = nullptr;
}

void KafkaClient::delivery_report(rd_kafka_t* /*handle*/, const rd_kafka_message_t* message,
                                  void* self) {
  static_cast<KafkaClient*>(self)->on_delivery_(message->_private, message->err);
}

void KafkaClient::client_error(rd_kafka_t* handle, int error, const char* reason, void* self) {
  auto& client = *static_cast<KafkaClient*>(self);
  bool fatal = false;
  std::string text = reason == nullptr ? "" : reason;
  if (error == RD_KAFKA_RESP_ERR__FATAL) {
    char detail[512];
    rd_kafka_fatal_error(handle, detail, sizeof detail);
    text = detail;
    fatal = true;
  }
  client.on_error_(static_cast<rd_kafka_resp_err_t>(error), text, fatal);
}

}  // namespace specwatch
