#include "sidecar/core/bounded_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace specwatch {
namespace {

TEST(BoundedQueue, PreservesOrder) {
  BoundedQueue<int> q(10, 100);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q.push(int(i), 1));
  EXPECT_EQ(q.size(), 5u);
  EXPECT_EQ(q.weight(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(*q.pop(), i);
  EXPECT_EQ(q.weight(), 0u);
}

TEST(BoundedQueue, FullQueueRefusesTryPushAndKeepsItem) {
  BoundedQueue<std::string> q(2, 100);
  ASSERT_TRUE(q.push("a", 1));
  ASSERT_TRUE(q.push("b", 1));
  std::string item = "c";
  EXPECT_FALSE(q.try_push_for(item, 1, std::chrono::milliseconds(1)));
  EXPECT_EQ(item, "c");
  EXPECT_EQ(*q.pop(), "a");
  EXPECT_TRUE(q.try_push_for(item, 1, std::chrono::milliseconds(1)));
  EXPECT_EQ(q.size(), 2u);
}

TEST(BoundedQueue, WeightBoundsAndOversizedItemAcceptedWhenEmpty) {
  BoundedQueue<int> q(100, 10);
  ASSERT_TRUE(q.push(1, 6));
  int item = 2;
  EXPECT_FALSE(q.try_push_for(item, 6, std::chrono::milliseconds(1)));
  q.pop();
  EXPECT_TRUE(q.try_push_for(item, 50, std::chrono::milliseconds(1)));  // alone: accepted
  EXPECT_EQ(q.weight(), 50u);
}

TEST(BoundedQueue, TryPopTakesInOrderWithoutWaitingAndFreesRoom) {
  BoundedQueue<int> q(2, 100);
  BoundedQueue<int>::Lane lane(100);
  EXPECT_FALSE(q.try_pop().has_value());
  EXPECT_TRUE(q.empty_and_open());
  ASSERT_TRUE(q.push(1, 3, &lane));
  ASSERT_TRUE(q.push(2, 4));
  EXPECT_FALSE(q.empty_and_open());
  int third = 3;
  EXPECT_FALSE(q.try_push_for(third, 1, std::chrono::milliseconds(1)));  // two items: full
  EXPECT_EQ(q.try_pop(), 1);
  EXPECT_EQ(q.weight(), 4u);
  EXPECT_EQ(q.weight(lane), 0u);
  EXPECT_TRUE(q.try_push_for(third, 1, std::chrono::milliseconds(1)));
  EXPECT_EQ(q.try_pop(), 2);
  EXPECT_EQ(q.try_pop(), 3);
  EXPECT_FALSE(q.try_pop().has_value());
  EXPECT_EQ(q.weight(), 0u);
}

TEST(BoundedQueue, WaitForItemWakesOnAPushAndEndsOnceClosedAndDrained) {
  BoundedQueue<int> q(10, 100);
  std::atomic<bool> woken{false};
  std::thread consumer([&] { woken = q.wait_for_item(); });
  ASSERT_TRUE(q.push(7, 1));
  consumer.join();
  EXPECT_TRUE(woken.load());
  EXPECT_EQ(q.size(), 1u);  // waiting takes nothing
  q.close();
  EXPECT_FALSE(q.empty_and_open());
  EXPECT_TRUE(q.wait_for_item());  // closed, but an item is left
  EXPECT_EQ(q.try_pop(), 7);
  EXPECT_FALSE(q.wait_for_item());
  EXPECT_FALSE(q.empty_and_open());
}

TEST(BoundedQueue, ALaneBoundsItsProducerOnly) {
  BoundedQueue<int> q(100, 100);
  BoundedQueue<int>::Lane lane(8);
  ASSERT_TRUE(q.push(1, 5, &lane));
  int through_lane = 2;
  EXPECT_FALSE(q.try_push_for(through_lane, 5, std::chrono::milliseconds(1), &lane));
  EXPECT_EQ(through_lane, 2);
  int other = 3;  // another producer still has the rest of the queue
  EXPECT_TRUE(q.try_push_for(other, 50, std::chrono::milliseconds(1)));
  EXPECT_EQ(q.weight(lane), 5u);
  EXPECT_EQ(q.weight(), 55u);
  EXPECT_EQ(*q.pop(), 1);
  EXPECT_EQ(q.weight(lane), 0u);
  EXPECT_TRUE(q.try_push_for(through_lane, 5, std::chrono::milliseconds(1), &lane));
  EXPECT_TRUE(q.try_push_for(through_lane, 3, std::chrono::milliseconds(1), &lane));  // 8: full
  EXPECT_EQ(q.weight(lane), 8u);
  EXPECT_EQ(q.size(), 3u);
}

TEST(BoundedQueue, AnEmptyLaneTakesAnItemHeavierThanItsBound) {
  BoundedQueue<int> q(100, 100);
  BoundedQueue<int>::Lane lane(3);
  int item = 1;
  EXPECT_TRUE(q.try_push_for(item, 10, std::chrono::milliseconds(1), &lane));
  EXPECT_FALSE(q.try_push_for(item, 1, std::chrono::milliseconds(1), &lane));
  EXPECT_EQ(q.weight(lane), 10u);
}

TEST(BoundedQueue, ALaneProducerBlockedOnItsBoundResumesWhenItsItemIsTaken) {
  BoundedQueue<int> q(100, 100);
  BoundedQueue<int>::Lane lane(4);
  ASSERT_TRUE(q.push(1, 4, &lane));
  std::thread producer([&] { q.push(2, 4, &lane); });
  EXPECT_EQ(*q.pop(), 1);
  EXPECT_EQ(*q.pop(), 2);  // blocks until the producer got through
  producer.join();
  EXPECT_EQ(q.weight(lane), 0u);
}

TEST(BoundedQueue, BlockedProducerResumesWhenConsumerPops) {
  BoundedQueue<int> q(1, 100);
  ASSERT_TRUE(q.push(1, 1));
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    q.push(2, 1);
    pushed = true;
  });
  EXPECT_EQ(*q.pop(), 1);
  EXPECT_EQ(*q.pop(), 2);  // blocks until the producer got through
  producer.join();
  EXPECT_TRUE(pushed);
}

TEST(BoundedQueue, CloseDrainsThenEnds) {
  BoundedQueue<int> q(4, 100);
  q.push(7, 1);
  q.close();
  EXPECT_FALSE(q.push(8, 1));
  EXPECT_EQ(*q.pop(), 7);
  EXPECT_FALSE(q.pop().has_value());
}

TEST(BoundedQueue, CloseWakesBlockedProducer) {
  BoundedQueue<int> q(1, 100);
  q.push(1, 1);
  std::atomic<int> result{-1};
  std::thread producer([&] { result = q.push(2, 1) ? 1 : 0; });
  q.close();
  producer.join();
  EXPECT_EQ(result.load(), 0);
}

}  // namespace
}  // namespace specwatch
