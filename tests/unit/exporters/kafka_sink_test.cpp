// The Kafka exporter against librdkafka's mock cluster (the real Kafka protocol on loopback, in
// this process): every event one message with its key, headers and document; the acknowledgement
// after the spool's fsync, or without a spool only after Kafka's; the spool across a restart with
// Kafka down; bounded templated topics; permanent failures dead-lettered; TLS settings handed to
// librdkafka (the mock speaks no TLS: the proof is librdkafka's own verdict on them).
#include "exporters/kafka/kafka_sink.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <map>
#include <set>

#include "tests/support/kafka/mock_kafka_cluster.h"
#include "tests/support/metric_sample.h"
#include "tests/support/test_event_batch.h"
#include "tests/unit/exporters/test_dir.h"

namespace specwatch {
namespace {

using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

class KafkaSinkTest : public ::testing::Test {
 protected:
  KafkaSinkTest() { cluster_.create_topic("events", 3); }

  KafkaExporterConfig config() {
    KafkaExporterConfig kafka;
    kafka.brokers = cluster_.bootstraps();
    kafka.topic = "events";
    kafka.properties = {{"linger.ms", "5"}, {"log_level", "0"}};
    return kafka;
  }
  std::unique_ptr<KafkaSink> make(KafkaExporterConfig kafka, prometheus::Registry& registry) {
    return std::make_unique<KafkaSink>(
        KafkaSinkSettings{"stream", {}, std::move(kafka), dir_.path()}, PricingTable(),
        RedactionConfig{}, registry, logger_);
  }
  // A batch of `events` events of source "traces": event i has trace id "t<i % 7>" and its own
  // record offset (so its own event id); `first` numbers them across batches.
  std::unique_ptr<testing::TestEventBatch> batch(testing::AckProbe& probe, std::size_t events,
                                                 std::size_t first = 0) {
    auto out = std::make_unique<testing::TestEventBatch>("traces", events, probe.make(), events);
    for (std::size_t i = 0; i < events; ++i) {
      out->events[i].trace_id = "t" + std::to_string((first + i) % 7);
      out->events[i].service = "svc";
      out->batch.records[i].end_offset = 100 * (first + i + 1);
      out->batch.records[i].stream_id = 42;
      out->batch.records[i].origin = "/logs/a.ndjson";
    }
    return out;
  }
  double metric(prometheus::Registry& registry, const std::string& outcome) {
    return testing::metric_sample(registry, "specwatch_component_events_total",
                                  {{"component", "stream"}, {"kind", "sink"}, {"outcome", outcome}})
        .value_or(-1);
  }

  testing::MockKafkaCluster cluster_;
  testing::ScratchDir dir_;
  Logger logger_{LogLevel::kError, [](std::string_view) {}};
};

TEST_F(KafkaSinkTest, EveryEventIsOneMessageWithItsKeyHeadersAndDocument) {
  prometheus::Registry registry;
  auto sink = make(config(), registry);
  sink->start();
  ASSERT_TRUE(sink->ready()) << sink->not_ready_reason();
  std::vector<std::unique_ptr<testing::AckProbe>> probes;
  for (std::size_t b = 0; b < 3; ++b) {
    auto& probe = *probes.emplace_back(std::make_unique<testing::AckProbe>());
    auto fed = batch(probe, 100, b * 100);
    sink->consume(fed->view());
    fed->release();
    // With the spool, the batch is acknowledged once it is fsynced there.
    EXPECT_TRUE(probe.released_with(DeliveryStatus::kDelivered));
  }
  ASSERT_TRUE(eventually([&] { return metric(registry, "acknowledged") == 300; }))
      << metric(registry, "acknowledged");
  const auto messages = testing::consume_topic(cluster_.bootstraps(), "events", 300, 20s);
  ASSERT_EQ(messages.size(), 300u);
  std::set<std::string> ids;
  for (const auto& message : messages) {
    rapidjson::Document doc;
    doc.Parse(message.value.c_str());
    ASSERT_FALSE(doc.HasParseError()) << message.value;
    EXPECT_EQ(message.key, doc["trace_id"].GetString());
    EXPECT_EQ(message.headers.at("source"), "traces");
    EXPECT_EQ(message.headers.at("service"), "svc");
    EXPECT_EQ(message.headers.at("event.kind"), "llm_call");
    EXPECT_EQ(message.headers.at("schema_version"), "1");
    EXPECT_STREQ(doc["event"]["kind"].GetString(), "llm_call");
    ids.insert(doc["event"]["id"].GetString());
  }
  EXPECT_EQ(ids.size(), 300u);
  EXPECT_EQ(metric(registry, "sent"), 300);
  EXPECT_EQ(metric(registry, "dead_lettered"), 0);
  ASSERT_TRUE(eventually([&] {
    return testing::metric_sample(registry, "specwatch_component_spool_bytes",
                                  {{"component", "stream"}}) == 0.0;
  }));
  sink->stop(5000);
}

TEST_F(KafkaSinkTest, WithoutASpoolTheAcknowledgementWaitsForKafka) {
  prometheus::Registry registry;
  KafkaExporterConfig kafka = config();
  kafka.spool.enabled = false;
  auto sink = make(kafka, registry);
  sink->start();
  ASSERT_TRUE(sink->ready()) << sink->not_ready_reason();
  cluster_.set_down(true);
  testing::AckProbe probe;
  auto fed = batch(probe, 50);
  sink->consume(fed->view());
  fed->release();
  ASSERT_TRUE(eventually([&] { return metric(registry, "sent") == 50; }));
  EXPECT_EQ(probe.calls.load(), 0);  // Kafka has not acknowledged: the source must wait
  // An outage does not make the sink not ready: /ready is the sidecar's own readiness.
  EXPECT_TRUE(sink->ready());
  cluster_.set_down(false);
  ASSERT_TRUE(eventually([&] { return probe.released_with(DeliveryStatus::kDelivered); }));
  EXPECT_EQ(metric(registry, "acknowledged"), 50);
  EXPECT_EQ(testing::consume_topic(cluster_.bootstraps(), "events", 50, 20s).size(), 50u);
  sink->stop(5000);
}

TEST_F(KafkaSinkTest, TheSpoolKeepsWhatKafkaHasNotAcknowledgedAcrossARestart) {
  cluster_.set_down(true);
  {
    prometheus::Registry registry;
    auto sink = make(config(), registry);
    sink->start();
    for (std::size_t b = 0; b < 5; ++b) {
      testing::AckProbe probe;
      auto fed = batch(probe, 40, b * 40);
      sink->consume(fed->view());
      fed->release();
      EXPECT_TRUE(probe.released_with(DeliveryStatus::kDelivered));
    }
    EXPECT_GT(testing::metric_sample(registry, "specwatch_component_spool_bytes",
                                     {{"component", "stream"}})
                  .value_or(0),
              0);
    sink->stop(200);
    EXPECT_EQ(metric(registry, "acknowledged"), 0);
  }
  cluster_.set_down(false);
  prometheus::Registry registry;
  auto sink = make(config(), registry);
  sink->start();
  ASSERT_TRUE(eventually([&] { return metric(registry, "acknowledged") == 200; }))
      << metric(registry, "acknowledged");
  const auto messages = testing::consume_topic(cluster_.bootstraps(), "events", 200, 20s);
  std::set<std::string> values;
  for (const auto& message : messages) values.insert(message.value);
  // Nothing lost; the stopped producer's purged messages were never acknowledged, so each event
  // is in Kafka exactly once.
  EXPECT_EQ(values.size(), 200u);
  EXPECT_EQ(messages.size(), 200u);
  sink->stop(5000);
}

TEST_F(KafkaSinkTest, TemplatedTopicsAreBoundedAndTheRestGoesToTheOverflowTopic) {
  prometheus::Registry registry;
  KafkaExporterConfig kafka = config();
  kafka.topic = "sw.{service}";
  kafka.max_topics = 2;
  auto sink = make(kafka, registry);
  sink->start();
  testing::AckProbe probe;
  auto fed = batch(probe, 4);
  const char* services[] = {"alpha", "beta", "gamma", "de lta"};
  for (std::size_t i = 0; i < 4; ++i) fed->events[i].service = services[i];
  sink->consume(fed->view());
  fed->release();
  ASSERT_TRUE(eventually([&] { return metric(registry, "acknowledged") == 4; }));
  EXPECT_EQ(testing::consume_topic(cluster_.bootstraps(), "sw.alpha", 1, 10s).size(), 1u);
  EXPECT_EQ(testing::consume_topic(cluster_.bootstraps(), "sw.beta", 1, 10s).size(), 1u);
  const auto overflow = testing::consume_topic(cluster_.bootstraps(), "sw.other", 2, 10s);
  ASSERT_EQ(overflow.size(), 2u);
  std::set<std::string> overflowed{overflow[0].headers.at("service"),
                                   overflow[1].headers.at("service")};
  EXPECT_EQ(overflowed, (std::set<std::string>{"gamma", "de lta"}));
  sink->stop(5000);
}

TEST_F(KafkaSinkTest, AMessageTooLargeIsDeadLetteredAndTheOthersAreDelivered) {
  prometheus::Registry registry;
  KafkaExporterConfig kafka = config();
  kafka.properties.emplace_back("message.max.bytes", "2000");
  auto sink = make(kafka, registry);
  sink->start();
  testing::AckProbe probe;
  auto fed = batch(probe, 10);
  fed->events[3].trace_id = std::string(3000, 'x');
  sink->consume(fed->view());
  fed->release();
  ASSERT_TRUE(eventually([&] { return metric(registry, "acknowledged") == 9; }));
  EXPECT_EQ(metric(registry, "dead_lettered"), 1);
  const std::string text = testing::slurp(sink->dead_letter_path());
  EXPECT_EQ(sink->dead_letter_path(), dir_.path() + "/dead_letter/stream.ndjson");
  rapidjson::Document line;
  line.Parse(text.c_str());
  ASSERT_FALSE(line.HasParseError()) << text;
  EXPECT_STREQ(line["reason"].GetString(), "kafka: MSG_SIZE_TOO_LARGE");
  EXPECT_STREQ(line["remote_answer"].GetString(), "Broker: Message size too large");
  EXPECT_EQ(std::string(line["event"]["trace_id"].GetString()), std::string(3000, 'x'));
  sink->stop(5000);
}

TEST_F(KafkaSinkTest, ATopicAuthorizationFailureIsDeadLetteredNotRetried) {
  prometheus::Registry registry;
  auto sink = make(config(), registry);
  sink->start();
  // The first produce request of the batch fails for good.
  cluster_.fail_produce(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED, 1);
  testing::AckProbe probe;
  auto fed = batch(probe, 1);
  sink->consume(fed->view());
  fed->release();
  ASSERT_TRUE(eventually([&] { return metric(registry, "dead_lettered") == 1; }));
  EXPECT_EQ(metric(registry, "retried"), 0);
  EXPECT_EQ(metric(registry, "acknowledged"), 0);
  const std::string text = testing::slurp(sink->dead_letter_path());
  EXPECT_NE(text.find("\"reason\":\"kafka: TOPIC_AUTHORIZATION_FAILED\""), std::string::npos)
      << text;
  sink->stop(5000);
}

TEST_F(KafkaSinkTest, TlsSettingsAreHandedToLibrdkafka) {
  prometheus::Registry registry;
  KafkaExporterConfig kafka = config();
  kafka.properties.emplace_back("security.protocol", "SSL");
  kafka.properties.emplace_back("ssl.ca.location", dir_.file("no-such-ca.pem"));
  auto sink = make(kafka, registry);
  sink->start();
  EXPECT_FALSE(sink->ready());
  // librdkafka loads the CA file while the producer is created, and says why it cannot.
  EXPECT_EQ(sink->not_ready_reason().rfind(
                "cannot create the Kafka producer: ssl.ca.location failed: ", 0),
            0u)
      << sink->not_ready_reason();
  // A batch it cannot take goes back to its source.
  testing::AckProbe probe;
  auto fed = batch(probe, 2);
  sink->consume(fed->view());
  fed->release();
  EXPECT_TRUE(probe.released_with(DeliveryStatus::kFailed));
  sink->stop(100);
}

}  // namespace
}  // namespace specwatch
