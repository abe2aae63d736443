// The normalize → consumers boundary: a batch of known records through a real pipeline and the
// normalize stage, to a recording consumer, the derived-metrics consumer and a queued
// (asynchronous) sink: exact events, record indexes, tool; the batch's acknowledgement runs only
// once every consumer, the asynchronous one included, is done.
#include "sidecar/normalize/normalize_stage.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sidecar/derive/derived_metrics_consumer.h"
#include "sidecar/pipeline/pipeline.h"
#include "sidecar/pipeline/queued_consumer.h"
#include "tests/support/gated_delivery.h"
#include "tests/support/metric_sample.h"
#include "tests/support/test_event_batch.h"

namespace specwatch {
namespace {

constexpr const char* kProfile = R"(
profiles:
  - name: boundary
    tool: specular
    input: json
    rules:
      - name: record
        emit: log_record
        set:
          level: {field: level, required: true}
          error_code: {field: code}
      - name: failure
        when:
          - {field: level, equals: ERROR}
        emit: log_record
        set:
          level: fatal
          error_code: {field: code}
)";

// What one consume() call saw, copied during the call.
struct SeenBatch {
  std::string source;
  std::string service;
  Tool tool = Tool::kNone;
  std::vector<std::string> events;  // "<record index>:<level>:<error code>"
  std::vector<std::string> records;
  bool ack_held = false;
};

class RecordingConsumer final : public EventConsumer {
 public:
  const std::string& name() const override { return name_; }
  void consume(const EventBatch& batch) override {
    SeenBatch seen{batch.source(), batch.service(), batch.tool, {}, {}, !batch.ack().empty()};
    for (std::size_t i = 0; i < batch.events.size(); ++i) {
      const auto& log = std::get<LogRecord>(batch.events[i].body);
      seen.events.push_back(std::to_string(batch.record_index[i]) + ":" + SeverityName(log.level) +
                            ":" + log.error_code);
      EXPECT_EQ(&batch.record_of(i), &batch.records.records[batch.record_index[i]]);
    }
    for (const Record& record : batch.records.records) seen.records.emplace_back(record.data);
    std::lock_guard lock(mutex_);
    batches_.push_back(std::move(seen));
    changed_.notify_all();
  }
  bool wait_batches(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(5), [&] { return batches_.size() >= n; });
  }
  std::vector<SeenBatch> batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }

 private:
  std::string name_ = "recording";
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<SeenBatch> batches_;
};

struct NormalizeStageTest : ::testing::Test {
  NormalizeStageTest() { profiles.add_yaml(kProfile, "test.yaml"); }

  prometheus::Registry registry;
  Logger logger{LogLevel::kError, [](std::string_view) {}};
  prometheus::Family<prometheus::Counter>& errors_family =
      prometheus::BuildCounter().Name("specwatch_source_errors_total").Help("h").Register(registry);
  ErrorReporter errors{logger, errors_family};
  PipelineMetrics pipeline_metrics{registry};
  ProfileSet profiles;
  DerivedMetrics derived{registry, PricingTable::bundled(), {}, logger};
  DerivedMetricsConsumer derived_consumer{derived, registry};
  RecordingConsumer recording;
  testing::GatedDelivery::Shared gate;
  QueuedConsumer queued{"queued", QueueConfig{}, std::make_unique<testing::GatedDelivery>(gate),
                        registry};
  NormalizeStage stage{profiles, errors};
  Pipeline pipeline{PipelineConfig{}, pipeline_metrics, errors, logger};

  static RecordBatch batch_of(std::vector<std::string> lines, std::string profile, BatchAck ack) {
    RecordBatch batch;
    batch.source = "src";
    batch.service = "specular";
    batch.profile = std::move(profile);
    for (auto& line : lines)
      batch.records.push_back(Record{batch.own(std::move(line)), RecordFormat::kJson, "test.log"});
    batch.ack = std::move(ack);
    return batch;
  }
};

TEST_F(NormalizeStageTest, EveryConsumerGetsTheEventsWithTheirRecordsAndTheAckWaitsForAll) {
  stage.add_consumer(recording);
  stage.add_consumer(derived_consumer);
  stage.add_consumer(queued);
  pipeline.add_processor(stage);
  queued.start();
  pipeline.start();

  testing::AckProbe ack;
  ASSERT_TRUE(pipeline.consume(batch_of({R"({"level":"INFO"})",                // 1 event
                                         R"({"level":"ERROR","code":"P-1"})",  // 2 events
                                         R"(not json)",                        // parse error
                                         R"({"nolevel":1})",  // missing_field, no event
                                         R"({"level":"WARN"})"},
                                        "boundary", ack.make())));
  ASSERT_TRUE(recording.wait_batches(1));
  // The queued sink has the batch's events and its own copy of the acknowledgement.
  ASSERT_TRUE(gate.wait_for([](auto& s) { return s.waiting == 1; }));

  const std::vector<SeenBatch> seen = recording.batches();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].source, "src");
  EXPECT_EQ(seen[0].service, "specular");
  EXPECT_EQ(seen[0].tool, Tool::kSpecular);
  EXPECT_TRUE(seen[0].ack_held);
  EXPECT_EQ(seen[0].events,
            (std::vector<std::string>{"0:info:", "1:error:P-1", "1:fatal:P-1", "4:warn:"}));
  EXPECT_EQ(seen[0].records.size(), 5u);
  EXPECT_EQ(seen[0].records[4], R"({"level":"WARN"})");
  EXPECT_EQ(testing::metric_sample(registry, "specwatch_source_errors_total",
                                   {{"source", "src"}, {"reason", "missing_field"}}),
            1);

  // The pipeline and the synchronous consumers are done; the queued sink is not.
  ASSERT_TRUE(gate.wait_for([](auto& s) { return s.waiting == 1; }));
  EXPECT_EQ(ack.calls.load(), 0);
  gate.grant(1);
  ASSERT_TRUE(gate.wait_for([](auto& s) { return s.delivered.size() == 1; }));
  queued.stop(5000);
  pipeline.stop();  // the pipeline's own copy is released once the worker is past the batch
  EXPECT_TRUE(ack.released_with(DeliveryStatus::kDelivered));
  EXPECT_EQ(gate.delivered, std::vector<std::string>{"src:4"});

  EXPECT_EQ(testing::metric_sample(
                registry, "specwatch_component_events_total",
                {{"component", "derived-metrics"}, {"kind", "stage"}, {"outcome", "received"}}),
            4);
  EXPECT_EQ(testing::metric_sample(
                registry, "specwatch_component_events_total",
                {{"component", "derived-metrics"}, {"kind", "stage"}, {"outcome", "sent"}}),
            4);
  EXPECT_EQ(testing::metric_sample(registry, "specwatch_log_records_total",
                                   {{"service", "specular"}, {"level", "fatal"}}),
            1);
  pipeline.stop();
}

// The pipeline runs idle batches on the offering thread only when no consumer may wait on
// something outside the process (pipeline.h): the stage answers for its consumers.
TEST_F(NormalizeStageTest, MayBlockOnlyWithAConsumerThatMayBlock) {
  EXPECT_FALSE(stage.may_block());  // no consumer
  stage.add_consumer(recording);
  stage.add_consumer(derived_consumer);
  EXPECT_FALSE(stage.may_block());
  EXPECT_TRUE(queued.may_block());  // a sink
  stage.add_consumer(queued);
  EXPECT_TRUE(stage.may_block());
}

TEST_F(NormalizeStageTest, ABatchWithoutProfileStillReachesTheConsumersWithoutEvents) {
  stage.add_consumer(recording);
  pipeline.add_processor(stage);
  pipeline.start();
  testing::AckProbe ack;
  ASSERT_TRUE(pipeline.consume(batch_of({R"({"level":"INFO"})"}, "", ack.make())));
  ASSERT_TRUE(recording.wait_batches(1));
  pipeline.stop();
  const std::vector<SeenBatch> seen = recording.batches();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].tool, Tool::kNone);
  EXPECT_TRUE(seen[0].events.empty());
  EXPECT_EQ(seen[0].records, std::vector<std::string>{R"({"level":"INFO"})"});
  EXPECT_TRUE(ack.released_with(DeliveryStatus::kDelivered));
}

TEST_F(NormalizeStageTest, EventsOfOneBatchNeverLeakIntoTheNext) {
  stage.add_consumer(recording);
  pipeline.add_processor(stage);
  pipeline.start();
  ASSERT_TRUE(pipeline.consume(batch_of({R"({"level":"ERROR","code":"A"})"}, "boundary", {})));
  ASSERT_TRUE(pipeline.consume(batch_of({R"(x)", R"({"level":"INFO"})"}, "boundary", {})));
  ASSERT_TRUE(recording.wait_batches(2));
  pipeline.stop();
  const std::vector<SeenBatch> seen = recording.batches();
  EXPECT_EQ(seen[0].events, (std::vector<std::string>{"0:error:A", "0:fatal:A"}));
  EXPECT_EQ(seen[1].events, std::vector<std::string>{"1:info:"});
}

}  // namespace
}  // namespace specwatch
