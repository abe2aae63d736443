#include "sidecar/sources/file/offset_tracker.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

TEST(OffsetTracker, OutOfOrderAcksAdvanceOnlyOverContiguousBatches) {
  OffsetTracker tracker(5);
  auto a = tracker.register_batch(10);
  auto b = tracker.register_batch(20);
  auto c = tracker.register_batch(30);
  EXPECT_EQ(tracker.in_flight(), 3u);
  EXPECT_FALSE(tracker.acknowledge(b, DeliveryStatus::kDelivered));
  EXPECT_EQ(tracker.committed_offset(), 5u);
  EXPECT_FALSE(tracker.acknowledge(c, DeliveryStatus::kDelivered));
  EXPECT_EQ(tracker.committed_offset(), 5u);
  EXPECT_TRUE(tracker.acknowledge(a, DeliveryStatus::kDelivered));
  EXPECT_EQ(tracker.committed_offset(), 30u);
  EXPECT_EQ(tracker.in_flight(), 0u);
}

TEST(OffsetTracker, DuplicateAckIsIgnored) {
  OffsetTracker tracker(0);
  auto a = tracker.register_batch(10);
  EXPECT_TRUE(tracker.acknowledge(a, DeliveryStatus::kDelivered));
  EXPECT_FALSE(tracker.acknowledge(a, DeliveryStatus::kDelivered));
  EXPECT_EQ(tracker.committed_offset(), 10u);
}

TEST(OffsetTracker, ResetDropsBatchesOfTheOldContent) {
  OffsetTracker tracker(0);
  auto old_batch = tracker.register_batch(100);
  tracker.reset(0);
  auto fresh = tracker.register_batch(7);
  EXPECT_FALSE(tracker.acknowledge(old_batch, DeliveryStatus::kDelivered));
  EXPECT_EQ(tracker.committed_offset(), 0u);
  EXPECT_TRUE(tracker.acknowledge(fresh, DeliveryStatus::kDelivered));
  EXPECT_EQ(tracker.committed_offset(), 7u);
}

TEST(OffsetTracker, FailedBatchHoldsTheOffsetForReread) {
  OffsetTracker tracker(0);
  auto a = tracker.register_batch(10);
  auto b = tracker.register_batch(20);
  auto c = tracker.register_batch(30);
  EXPECT_TRUE(tracker.acknowledge(a, DeliveryStatus::kDelivered));
  tracker.acknowledge(b, DeliveryStatus::kFailed);
  tracker.acknowledge(c, DeliveryStatus::kDelivered);
  EXPECT_EQ(tracker.committed_offset(), 10u);
}

TEST(OffsetTracker, RejectedCountsAsDone) {
  OffsetTracker tracker(0);
  auto a = tracker.register_batch(10);
  EXPECT_TRUE(tracker.acknowledge(a, DeliveryStatus::kRejected));
  EXPECT_EQ(tracker.committed_offset(), 10u);
}

TEST(OffsetTracker, KeysInFlightThenSeenOnAck) {
  OffsetTracker tracker(0, 3);
  auto a = tracker.register_batch(0, {"k1", "k2"});
  EXPECT_TRUE(tracker.known_key("k1"));
  EXPECT_TRUE(tracker.seen_keys().empty());
  EXPECT_TRUE(tracker.acknowledge(a, DeliveryStatus::kDelivered));
  EXPECT_EQ(tracker.seen_keys(), (std::vector<std::string>{"k1", "k2"}));
  auto b = tracker.register_batch(0, {"k3", "k4"});
  tracker.acknowledge(b, DeliveryStatus::kDelivered);
  // Bounded to 3: the oldest is forgotten.
  EXPECT_EQ(tracker.seen_keys(), (std::vector<std::string>{"k2", "k3", "k4"}));
  EXPECT_FALSE(tracker.known_key("k1"));
}

TEST(OffsetTracker, FailedKeysAreOfferedAgain) {
  OffsetTracker tracker(0, 10);
  auto a = tracker.register_batch(0, {"k1"});
  EXPECT_FALSE(tracker.take_reread_request());
  tracker.acknowledge(a, DeliveryStatus::kFailed);
  EXPECT_FALSE(tracker.known_key("k1"));
  EXPECT_TRUE(tracker.take_reread_request());
  EXPECT_FALSE(tracker.take_reread_request());
}

}  // namespace
}  // namespace specwatch
