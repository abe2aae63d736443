#include "sidecar/pipeline/queued_consumer.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "tests/support/gated_delivery.h"
#include "tests/support/metric_sample.h"
#include "tests/support/test_event_batch.h"

namespace specwatch {
namespace {

using testing::AckProbe;
using testing::GatedDelivery;
using testing::TestEventBatch;

struct QueuedConsumerTest : ::testing::Test {
  prometheus::Registry registry;
  GatedDelivery::Shared shared;

  std::unique_ptr<QueuedConsumer> make(std::size_t max_events, QueueConfig::WhenFull when_full) {
    return std::make_unique<QueuedConsumer>("test-sink", QueueConfig{max_events, when_full},
                                            std::make_unique<GatedDelivery>(shared), registry);
  }
  double events(const std::string& outcome) {
    return testing::metric_sample(
               registry, "specwatch_component_events_total",
               {{"component", "test-sink"}, {"kind", "sink"}, {"outcome", outcome}})
        .value_or(-1);
  }
  double queue_depth() {
    return testing::metric_sample(registry, "specwatch_component_queue_events",
                                  {{"component", "test-sink"}})
        .value_or(-1);
  }
  // Waits until the worker holds one batch in deliver().
  void await_delivery_in_progress() {
    ASSERT_TRUE(shared.wait_for([](auto& s) { return s.waiting == 1; }));
  }
};

TEST_F(QueuedConsumerTest, AFullQueueBlocksTheProducerUntilTheSinkDrains) {
  auto sink = make(4, QueueConfig::WhenFull::kBlock);
  sink->start();
  AckProbe a, b, c, d;
  TestEventBatch batch_a("a", 2, a.make()), batch_b("b", 2, b.make()), batch_c("c", 2, c.make()),
      batch_d("d", 2, d.make());
  sink->consume(batch_a.view());
  await_delivery_in_progress();  // a is out of the queue, in deliver()
  sink->consume(batch_b.view());
  sink->consume(batch_c.view());
  EXPECT_EQ(sink->queued_events(), 4u);
  EXPECT_EQ(queue_depth(), 4);

  std::atomic<bool> returned{false};
  std::thread producer([&] {
    sink->consume(batch_d.view());
    returned = true;
  });
  // The queue holds 4 of 4 events: d waits. (A bounded look; what releases it is awaited below.)
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(returned.load());
  EXPECT_EQ(sink->queued_events(), 4u);

  shared.grant(1);  // a is delivered, b leaves the queue: room for d
  producer.join();
  EXPECT_TRUE(returned.load());
  shared.open_gate();
  sink->stop(5000);
  EXPECT_EQ(shared.delivered, (std::vector<std::string>{"a:2", "b:2", "c:2", "d:2"}));
  EXPECT_EQ(events("received"), 8);
  EXPECT_EQ(events("sent"), 8);
  EXPECT_EQ(events("dropped"), 0);
  EXPECT_EQ(events("failed"), 0);
  EXPECT_EQ(queue_depth(), 0);
  for (AckProbe* probe : {&a, &b, &c, &d}) {
    EXPECT_EQ(probe->calls.load(), 0);  // the pipeline's copies are still held
  }
  for (TestEventBatch* batch : {&batch_a, &batch_b, &batch_c, &batch_d}) batch->release();
  for (AckProbe* probe : {&a, &b, &c, &d}) {
    EXPECT_TRUE(probe->released_with(DeliveryStatus::kDelivered));
  }
}

TEST_F(QueuedConsumerTest, AFullQueueInDropModeDropsWholeBatchesAndCountsTheirEvents) {
  auto sink = make(4, QueueConfig::WhenFull::kDrop);
  sink->start();
  AckProbe a, b, c, d, e;
  TestEventBatch batch_a("a", 2, a.make()), batch_b("b", 2, b.make()), batch_c("c", 2, c.make()),
      batch_d("d", 1, d.make()), batch_e("e", 3, e.make());
  sink->consume(batch_a.view());
  await_delivery_in_progress();
  sink->consume(batch_b.view());
  sink->consume(batch_c.view());
  sink->consume(batch_d.view());  // full: dropped at once
  sink->consume(batch_e.view());
  EXPECT_EQ(events("dropped"), 4);
  batch_d.release();
  batch_e.release();
  EXPECT_TRUE(d.released_with(DeliveryStatus::kRejected));
  EXPECT_TRUE(e.released_with(DeliveryStatus::kRejected));

  shared.open_gate();
  sink->stop(5000);
  EXPECT_EQ(shared.delivered, (std::vector<std::string>{"a:2", "b:2", "c:2"}));
  EXPECT_EQ(events("received"), 10);
  EXPECT_EQ(events("sent"), 6);
  EXPECT_EQ(events("dropped"), 4);
  EXPECT_EQ(events("failed"), 0);
}

TEST_F(QueuedConsumerTest, TheAcknowledgementIsReleasedOnlyOnceTheBatchIsDelivered) {
  auto sink = make(100, QueueConfig::WhenFull::kBlock);
  sink->start();
  AckProbe a, b;
  TestEventBatch batch_a("a", 3, a.make()), batch_b("b", 1, b.make());
  sink->consume(batch_a.view());
  sink->consume(batch_b.view());
  batch_a.release();  // the pipeline is done with both batches
  batch_b.release();
  await_delivery_in_progress();
  EXPECT_EQ(a.calls.load(), 0);  // a is being delivered: its source must not move past it yet
  EXPECT_EQ(b.calls.load(), 0);

  shared.grant(1);
  ASSERT_TRUE(shared.wait_for([](auto& s) { return s.delivered.size() == 1 && s.waiting == 1; }));
  EXPECT_TRUE(a.released_with(DeliveryStatus::kDelivered));
  EXPECT_EQ(b.calls.load(), 0);

  {
    std::lock_guard lock(shared.mutex);
    shared.status = DeliveryStatus::kFailed;
  }
  shared.grant(1);
  sink->stop(5000);
  EXPECT_TRUE(b.released_with(DeliveryStatus::kFailed));
  EXPECT_EQ(events("sent"), 3);
  EXPECT_EQ(events("failed"), 1);
  EXPECT_EQ(shared.finished, 1);
}

TEST_F(QueuedConsumerTest, ABatchAfterStopIsFailedAndNeverDelivered) {
  auto sink = make(100, QueueConfig::WhenFull::kDrop);
  sink->start();
  shared.open_gate();
  sink->stop(5000);
  AckProbe a;
  {
    TestEventBatch batch_a("a", 2, a.make());
    sink->consume(batch_a.view());
  }
  EXPECT_TRUE(a.released_with(DeliveryStatus::kFailed));
  EXPECT_TRUE(shared.delivered.empty());
  EXPECT_EQ(events("failed"), 2);
  EXPECT_EQ(events("dropped"), 0);
}

TEST_F(QueuedConsumerTest, BatchesQueuedBeforeAStartThatNeverCameAreFailedAtStop) {
  auto sink = make(100, QueueConfig::WhenFull::kBlock);
  AckProbe a;
  {
    TestEventBatch batch_a("a", 2, a.make());
    sink->consume(batch_a.view());
  }
  EXPECT_EQ(a.calls.load(), 0);
  sink->stop(5000);
  EXPECT_TRUE(a.released_with(DeliveryStatus::kFailed));
  EXPECT_TRUE(shared.delivered.empty());
  EXPECT_EQ(shared.finished, 1);
}

TEST(QueueConfigNames, BlockAndDropAreTheOnlySpellings) {
  EXPECT_EQ(when_full_from_name("block"), QueueConfig::WhenFull::kBlock);
  EXPECT_EQ(when_full_from_name("drop"), QueueConfig::WhenFull::kDrop);
  EXPECT_EQ(when_full_from_name("Drop"), std::nullopt);
  EXPECT_EQ(when_full_name(QueueConfig::WhenFull::kDrop), "drop");
}

}  // namespace
}  // namespace specwatch
