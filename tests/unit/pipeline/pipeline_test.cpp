#include "sidecar/pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace specwatch {
namespace {

class RecordingProcessor : public RecordProcessor {
 public:
  void on_json(const RecordBatch& batch, const Record&, JsonRef value) override {
    std::unique_lock lock(mutex_);
    blocked_.wait(lock, [&] { return !hold_; });
    const JsonRef n = value.find("n");
    seen.push_back(batch.source + ":" + (n ? std::to_string(n.int64()) : std::string("?")));
  }
  void on_text(const RecordBatch& batch, const Record& record) override {
    std::lock_guard lock(mutex_);
    seen.push_back(batch.source + ":text:" + std::string(record.data));
  }
  void on_batch_end(RecordBatch&) override {
    std::lock_guard lock(mutex_);
    ++batches;
  }
  bool wants_values(const RecordBatch& batch) override { return batch.source != without_values; }
  std::string without_values;  // a source whose values this processor does not read
  void hold(bool h) {
    {
      std::lock_guard lock(mutex_);
      hold_ = h;
    }
    blocked_.notify_all();
  }

  std::vector<std::string> seen;
  int batches = 0;

 private:
  std::mutex mutex_;
  std::condition_variable blocked_;
  bool hold_ = false;
};

struct Fixture {
  Fixture()
      : logger(LogLevel::kError, [](std::string_view) {}),
        errors_family(prometheus::BuildCounter()
                          .Name("specwatch_source_errors_total")
                          .Help("h")
                          .Register(registry)),
        errors(logger, errors_family),
        metrics(registry) {}
  prometheus::Registry registry;
  Logger logger;
  prometheus::Family<prometheus::Counter>& errors_family;
  ErrorReporter errors;
  PipelineMetrics metrics;
};

RecordBatch batch(const std::string& source, std::vector<std::string> jsons, BatchAck ack = {}) {
  RecordBatch b;
  b.source = source;
  for (auto& j : jsons) b.records.push_back({b.own(std::move(j)), RecordFormat::kJson, "/f"});
  b.ack = std::move(ack);
  return b;
}

TEST(Pipeline, ParsesEachRecordOnceCountsEventsAndErrorsThenAcknowledges) {
  Fixture f;
  RecordingProcessor processor;
  Pipeline pipeline(PipelineConfig{}, f.metrics, f.errors, f.logger);
  pipeline.add_processor(processor);
  pipeline.start();
  std::mutex m;
  std::condition_variable cv;
  std::vector<DeliveryStatus> acks;
  BatchAck ack([&](DeliveryStatus s) {
    std::lock_guard lock(m);
    acks.push_back(s);
    cv.notify_all();
  });
  ASSERT_TRUE(pipeline.consume(
      batch("a", {R"({"n":1})", R"({"n":)", "{\"n\":2,\"s\":\"caf\xe9\"}"}, std::move(ack))));
  RecordBatch text;
  text.source = "b";
  text.records.push_back({"plain line", RecordFormat::kText, "/g"});
  // Repaired into text its batch owns: the record's own bytes are shared and stay as read.
  const std::string invalid = "caf\xe9 line";
  text.records.push_back({invalid, RecordFormat::kText, "/g"});
  ASSERT_TRUE(pipeline.consume(std::move(text)));
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return acks.size() == 1; }));
  }
  pipeline.stop();
  EXPECT_EQ(acks[0], DeliveryStatus::kDelivered);
  EXPECT_EQ(processor.seen, (std::vector<std::string>{"a:1", "a:2", "b:text:plain line",
                                                      "b:text:caf\xef\xbf\xbd line"}));
  EXPECT_EQ(invalid, "caf\xe9 line");
  EXPECT_EQ(processor.batches, 2);
  EXPECT_EQ(f.metrics.events("a").Value(), 2.0);
  EXPECT_EQ(f.metrics.events("b").Value(), 2.0);
  EXPECT_EQ(f.errors.counter("a", "invalid_json").Value(), 1.0);
  EXPECT_EQ(f.errors.counter("a", "invalid_utf8").Value(), 1.0);
  EXPECT_EQ(f.errors.counter("b", "invalid_utf8").Value(), 1.0);
  EXPECT_EQ(f.metrics.batches().Value(), 2.0);
}

TEST(Pipeline, FullQueueBlocksOrRefusesAndStopDrainsEverything) {
  Fixture f;
  RecordingProcessor processor;
  PipelineConfig config;
  config.queue_max_batches = 1;
  Pipeline pipeline(config, f.metrics, f.errors, f.logger);
  pipeline.add_processor(processor);
  processor.hold(true);  // the worker takes one batch and blocks in it
  pipeline.start();
  ASSERT_TRUE(pipeline.consume(batch("a", {R"({"n":1})"})));
  ASSERT_TRUE(pipeline.consume(batch("a", {R"({"n":2})"})));  // waits in the queue
  // Wait until the worker is inside batch 1 and batch 2 fills the queue.
  for (int i = 0; i < 500 && pipeline.queued_batches() != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(pipeline.queued_batches(), 1u);
  RecordBatch third = batch("a", {R"({"n":3})"});
  EXPECT_FALSE(pipeline.try_consume_for(third, std::chrono::milliseconds(20)));
  EXPECT_EQ(third.records.size(), 1u);  // untouched: the caller still owns it
  processor.hold(false);
  EXPECT_TRUE(pipeline.try_consume_for(third, std::chrono::seconds(5)));
  pipeline.stop();
  EXPECT_EQ(processor.seen, (std::vector<std::string>{"a:1", "a:2", "a:3"}));
}

TEST(Pipeline, ASourceThatBlocksWaitsAtItsOwnBoundWhileReceiversKeepTheRestOfTheQueue) {
  Fixture f;
  RecordingProcessor processor;
  PipelineConfig config;
  config.queue_max_bytes = 1000;
  config.source_queue_max_bytes = 10;  // one 7-byte record of "a" at a time
  Pipeline pipeline(config, f.metrics, f.errors, f.logger);
  pipeline.add_processor(processor);
  // Not started: nothing leaves the queue until the test says so.
  ASSERT_TRUE(pipeline.consume(batch("a", {R"({"n":1})"})));
  std::atomic<bool> second_in{false};
  std::thread source([&] {
    pipeline.consume(batch("a", {R"({"n":2})"}));
    second_in = true;
  });
  // Time for the second push to get in if the bound did not hold it (then "a:2" would come second
  // below); it cannot make the test fail when the bound works.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  // A receiver (try_consume_for) and another source still get in.
  RecordBatch otlp = batch("otlp", {R"({"n":3})"});
  EXPECT_TRUE(pipeline.try_consume_for(otlp, std::chrono::milliseconds(100)));
  EXPECT_TRUE(pipeline.consume(batch("b", {R"({"n":4})"})));
  EXPECT_FALSE(second_in.load());
  EXPECT_EQ(pipeline.queued_batches(), 3u);
  pipeline.start();
  source.join();
  pipeline.stop();
  EXPECT_TRUE(second_in.load());
  EXPECT_EQ(processor.seen, (std::vector<std::string>{"a:1", "otlp:3", "b:4", "a:2"}));
}

TEST(Pipeline, ABatchNoProcessorReadsValuesOfIsCheckedAndCountedButNotHandedOver) {
  Fixture f;
  RecordingProcessor processor;
  processor.without_values = "raw";
  Pipeline pipeline(PipelineConfig{}, f.metrics, f.errors, f.logger);
  pipeline.add_processor(processor);
  pipeline.start();
  ASSERT_TRUE(pipeline.consume(batch("raw", {R"({"n":1})", R"({"n":)", R"({"n":2})"})));
  ASSERT_TRUE(pipeline.consume(batch("a", {R"({"n":3})"})));
  pipeline.stop();
  EXPECT_EQ(processor.seen, (std::vector<std::string>{"a:3"}));
  EXPECT_EQ(processor.batches, 2);
  EXPECT_EQ(f.metrics.events("raw").Value(), 2.0);
  EXPECT_EQ(f.errors.counter("raw", "invalid_json").Value(), 1.0);
}

TEST(Pipeline, ConsumeAfterStopIsRefusedAndReportsFailure) {
  Fixture f;
  Pipeline pipeline(PipelineConfig{}, f.metrics, f.errors, f.logger);
  pipeline.start();
  pipeline.stop();
  DeliveryStatus status = DeliveryStatus::kDelivered;
  {
    BatchAck ack([&](DeliveryStatus s) { status = s; });
    EXPECT_FALSE(pipeline.consume(batch("a", {R"({"n":1})"}, ack)));
  }
  EXPECT_EQ(status, DeliveryStatus::kFailed);
}

}  // namespace
}  // namespace specwatch
