#include "sidecar/core/acknowledgement.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace specwatch {
namespace {

TEST(BatchAck, CallbackRunsOnceWhenLastCopyIsReleased) {
  int calls = 0;
  DeliveryStatus seen = DeliveryStatus::kFailed;
  {
    BatchAck a([&](DeliveryStatus s) {
      ++calls;
      seen = s;
    });
    BatchAck b = a;
    BatchAck c = b;
    a.release();
    EXPECT_EQ(calls, 0);
    b.release();
    EXPECT_EQ(calls, 0);
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen, DeliveryStatus::kDelivered);
}

TEST(BatchAck, WorstStatusWins) {
  DeliveryStatus seen = DeliveryStatus::kDelivered;
  {
    BatchAck a([&](DeliveryStatus s) { seen = s; });
    BatchAck b = a;
    b.update(DeliveryStatus::kFailed);
    a.update(DeliveryStatus::kRejected);  // must not downgrade kFailed
  }
  EXPECT_EQ(seen, DeliveryStatus::kFailed);
}

TEST(BatchAck, EmptyAckIsHarmless) {
  BatchAck a;
  EXPECT_TRUE(a.empty());
  a.update(DeliveryStatus::kFailed);
  a.release();
  EXPECT_TRUE(a.empty());
}

TEST(BatchAck, ReleasedFromManyThreadsCallsBackExactlyOnce) {
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  {
    BatchAck a([&](DeliveryStatus) { calls.fetch_add(1); });
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([copy = a]() mutable {
        for (int j = 0; j < 1000; ++j) copy.update(DeliveryStatus::kDelivered);
        copy.release();
      });
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 1);
}

}  // namespace
}  // namespace specwatch
