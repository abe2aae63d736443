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
