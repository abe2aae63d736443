#include "exporters/kafka/kafka_exporter_config.h"

#include <librdkafka/rdkafka.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "exporters/common/exporter_redaction.h"

namespace specwatch {
namespace {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using ConfHandle = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

// librdkafka's own verdict on one property: "" when accepted.
std::string check_property(rd_kafka_conf_t* conf, const std::string& name,
                           const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error) ==
      RD_KAFKA_CONF_OK) {
    return "";
  }
  return error;
}

void read_key(const YAML::Node& node, const std::string& key, KafkaExporterConfig& out,
              ConfigReader& in) {
  if (auto value = in.read_enum<KafkaKeyField>(node, key,
                                               {{"trace_id", KafkaKeyField::kTraceId},
                                                {"workflow_id", KafkaKeyField::kWorkflowId},
                                                {"span_id", KafkaKeyField::kSpanId},
                                                {"service", KafkaKeyField::kService},
                                                {"none", KafkaKeyField::kNone}})) {
    out.key = *value;
  }
}

void read_topic(const YAML::Node& node, const std::string& key, std::string& out,
                ConfigReader& in) {
  auto text = in.read_non_empty_string(node, key);
  if (!text) return;
  // Every "{...}" must name a field the exporter knows.
  for (std::size_t open = text->find('{'); open != std::string::npos;
       open = text->find('{', open + 1)) {
    const std::size_t close = text->find('}', open);
    const std::string field =
        close == std::string::npos ? "" : text->substr(open + 1, close - open - 1);
    if (field != "service" && field != "source" && field != "kind") {
      in.errors().add(
          node, key,
          "unknown topic field \"{" + field + "}\"; allowed: {service}, {source}, {kind}");
      return;
    }
  }
  out = *text;
}

std::optional<std::string> read_secret_file(const YAML::Node& node, const std::string& key,
                                            ConfigReader& in) {
  auto path = in.read_path(node, key);
  if (!path) return std::nullopt;
  std::ifstream file(*path, std::ios::binary);
  if (!file) {
    in.errors().add(node, key, "cannot read secret file " + *path);
    return std::nullopt;
  }
  std::ostringstream text;
  text << file.rdbuf();
  std::string secret = text.str();
  // A file written by `echo` or a Kubernetes secret editor ends with a line break.
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  return secret;
}

void read_properties(const YAML::Node& entry, const std::string& key_path, KafkaExporterConfig& out,
                     ConfigReader& in) {
  ConfHandle conf(rd_kafka_conf_new());
  for (const auto& [name, value] : kafka_default_properties())
    check_property(conf.get(), name, value);
  auto add = [&](const YAML::Node& at, const std::string& key, const std::string& name,
                 const std::string& value, bool secret) {
    if (name == "bootstrap.servers") {
      in.errors().add(at, key, "set the brokers with `brokers:`");
      return;
    }
    if (std::string error = check_property(conf.get(), name, value); !error.empty()) {
      in.errors().add(at, key, "librdkafka refuses it: " + error);
      return;
    }
    out.properties.emplace_back(name, value);
    if (secret) out.secret_properties.push_back(name);
  };
  if (const YAML::Node properties = entry["properties"]; properties.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "properties");
    if (in.expect_map(properties, key)) {
      for (const auto& item : properties) {
        const std::string name = item.first.as<std::string>();
        const std::string item_key = ConfigReader::join(key, name);
        if (auto value = in.read_string(item.second, item_key)) {
          add(item.second, item_key, name, *value, false);
        }
      }
    }
  }
  if (const YAML::Node files = entry["property_files"]; files.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "property_files");
    if (in.expect_map(files, key)) {
      for (const auto& item : files) {
        const std::string name = item.first.as<std::string>();
        const std::string item_key = ConfigReader::join(key, name);
        if (auto secret = read_secret_file(item.second, item_key, in)) {
          add(item.second, item_key, name, *secret, true);
        }
      }
    }
  }
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& kafka_default_properties() {
  static const std::vector<std::pair<std::string, std::string>> defaults = {
      {"client.id", "specwatch"},
      // No duplicates from the producer's own retries, no reordering within a partition.
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"compression.type", "lz4"},
      // Throughput: up to 20 ms to fill batches of up to 10,000 messages or 1 MB.
      {"linger.ms", "20"},
      {"batch.num.messages", "10000"},
      {"batch.size", "1000000"},
      // librdkafka's own queue: bounded, so that an outage turns into backpressure on the spool.
      {"queue.buffering.max.messages", "500000"},
      {"queue.buffering.max.kbytes", "262144"},
      // A message is retried by librdkafka for this long, then by the exporter (counted retried).
      {"message.timeout.ms", "300000"},
  };
  return defaults;
}

const std::vector<std::string>& kafka_exporter_keys() {
  static const std::vector<std::string> keys = {
      "brokers",    "topic",     "max_topics", "overflow_topic", "key",   "include_original",
      "redact",     "redaction", "properties", "property_files", "queue", "spool",
      "dead_letter"};
  return keys;
}

void read_kafka_exporter_config(const YAML::Node& entry, const std::string& key_path,
                                KafkaExporterConfig& out, ConfigReader& in) {
  if (const YAML::Node brokers = in.require(entry, key_path, "brokers"); brokers.IsDefined()) {
    if (auto value = in.read_non_empty_string(brokers, ConfigReader::join(key_path, "brokers"))) {
      out.brokers = *value;
    }
  }
  if (const YAML::Node topic = entry["topic"]; topic.IsDefined()) {
    read_topic(topic, ConfigReader::join(key_path, "topic"), out.topic, in);
  }
  if (const YAML::Node overflow = entry["overflow_topic"]; overflow.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "overflow_topic");
    if (auto value = in.read_non_empty_string(overflow, key)) {
      if (value->find('{') != std::string::npos) {
        in.errors().add(overflow, key, "must be a plain topic name (no {fields})");
      } else {
        out.overflow_topic = *value;
      }
    }
  }
  if (const YAML::Node max = entry["max_topics"]; max.IsDefined()) {
    if (auto value = in.read_int(max, ConfigReader::join(key_path, "max_topics"), 1, 10000)) {
      out.max_topics = static_cast<std::size_t>(*value);
    }
  }
  if (const YAML::Node key = entry["key"]; key.IsDefined()) {
    read_key(key, ConfigReader::join(key_path, "key"), out, in);
  }
  for (auto [name, flag] :
       {std::pair{"include_original", &out.include_original}, std::pair{"redact", &out.redact}}) {
    if (const YAML::Node node = entry[name]; node.IsDefined()) {
      if (auto value = in.read_bool(node, ConfigReader::join(key_path, name))) *flag = *value;
    }
  }
  read_exporter_redaction(entry, key_path, out.redaction, in);
  read_properties(entry, key_path, out, in);
  if (const YAML::Node queue = entry["queue"]; queue.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "queue");
    if (in.expect_map(queue, key)) {
      in.check_unknown_keys(queue, key, {"max_events"});
      if (const YAML::Node max = queue["max_events"]; max.IsDefined()) {
        if (auto value = in.read_int(max, ConfigReader::join(key, "max_events"), 1)) {
          out.queue_max_events = static_cast<std::size_t>(*value);
        }
      }
    }
  }
  read_spool_and_dead_letter(entry, key_path, out.spool, out.dead_letter, in);
}

}  // namespace specwatch
