// librdkafka's mock cluster (rdkafka_mock.h) for tests: brokers that speak the real Kafka protocol
// on loopback ports, in this process. Brokers can be taken down and up, and produce requests made
// to fail with a given error. The mock speaks neither TLS nor SASL.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace specwatch::testing {

class MockKafkaCluster {
 public:
  explicit MockKafkaCluster(int brokers = 1);
  ~MockKafkaCluster();
  MockKafkaCluster(const MockKafkaCluster&) = delete;
  MockKafkaCluster& operator=(const MockKafkaCluster&) = delete;

  // "127.0.0.1:port,..." for bootstrap.servers.
  const std::string& bootstraps() const { return bootstraps_; }
  void create_topic(const std::string& topic, int partitions);
  // Every broker down (connections closed, new ones refused) or up again.
  void set_down(bool down);
  // The next `count` produce requests fail with `error`.
  void fail_produce(rd_kafka_resp_err_t error, int count);

 private:
  rd_kafka_t* handle_ = nullptr;                // owned: the instance the cluster lives in
  rd_kafka_mock_cluster_t* cluster_ = nullptr;  // owned
  int brokers_;
  std::string bootstraps_;
};

struct ConsumedMessage {
  std::string topic;
  int partition = 0;
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// Reads every message of `topic` from the beginning until `expected` arrived or `timeout` passed
// (then a little longer, to see any extra message); an in-process consumer for unit tests.
std::vector<ConsumedMessage> consume_topic(const std::string& bootstraps, const std::string& topic,
                                           std::size_t expected, std::chrono::milliseconds timeout);

}  // namespace specwatch::testing
