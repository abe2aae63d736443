// CallDeduplicator: one provider call described by a parent and a child span is counted once,
// whichever arrives first; the state expires and is bounded.
#include "sidecar/normalize/call_deduplicator.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/metrics_text.h"

namespace specwatch {
namespace {

using std::chrono::seconds;

struct CallDeduplicatorTest : ::testing::Test {
  std::chrono::steady_clock::time_point now{};
  CallDeduplicator make(std::size_t max_entries = 100) {
    CallDeduplicator d(nullptr, {max_entries, seconds(60)}, [this] { return now; });
    d.begin_batch();
    return d;
  }
};

TEST_F(CallDeduplicatorTest, TheChildFirstCountsAndItsParentIsDropped) {
  CallDeduplicator d = make();
  EXPECT_TRUE(d.admit("t1", "child", "parent"));
  EXPECT_FALSE(d.admit("t1", "parent", ""));
  EXPECT_EQ(d.deduplicated(), 1u);
}

TEST_F(CallDeduplicatorTest, TheParentFirstCountsAndTheChildThatFollowsIsDropped) {
  CallDeduplicator d = make();
  EXPECT_TRUE(d.admit("t1", "parent", ""));
  EXPECT_FALSE(d.admit("t1", "child", "parent"));
  EXPECT_EQ(d.deduplicated(), 1u);
}

TEST_F(CallDeduplicatorTest, AChainOfThreeIsOneCall) {
  CallDeduplicator d = make();
  EXPECT_TRUE(d.admit("t1", "sdk", "library"));
  EXPECT_FALSE(d.admit("t1", "library", "framework"));
  EXPECT_FALSE(d.admit("t1", "framework", ""));
  EXPECT_EQ(d.deduplicated(), 2u);
}

TEST_F(CallDeduplicatorTest, SiblingsUnderOneParentAndOtherTracesAreSeparateCalls) {
  CallDeduplicator d = make();
  EXPECT_TRUE(d.admit("t1", "step1", "generateText"));
  EXPECT_TRUE(d.admit("t1", "step2", "generateText"));
  // The same span ids in another trace are other spans.
  EXPECT_TRUE(d.admit("t2", "generateText", ""));
  EXPECT_TRUE(d.admit("t2", "step1", "other"));
  // No trace or span id: not a span, always counted.
  EXPECT_TRUE(d.admit("", "", ""));
  EXPECT_TRUE(d.admit("", "", ""));
  EXPECT_EQ(d.deduplicated(), 0u);
}

TEST_F(CallDeduplicatorTest, EntriesExpireAfterTheTtl) {
  CallDeduplicator d = make();
  EXPECT_TRUE(d.admit("t1", "child", "parent"));
  EXPECT_EQ(d.size(), 2u);
  now += seconds(61);
  d.begin_batch();
  // Forgotten: a parent arriving this late is counted again.
  EXPECT_TRUE(d.admit("t1", "parent", ""));
  EXPECT_EQ(d.size(), 1u);
  EXPECT_EQ(d.evictions(), 0u);
}

TEST_F(CallDeduplicatorTest, AFullStateForgetsItsOldestEntriesAndCountsThem) {
  prometheus::Registry registry;
  CallDeduplicator d(&registry, {4, seconds(60)}, [this] { return now; });
  d.begin_batch();
  EXPECT_TRUE(d.admit("t1", "c1", "p1"));  // 2 entries
  EXPECT_TRUE(d.admit("t2", "c2", "p2"));  // 4 entries
  EXPECT_TRUE(d.admit("t3", "c3", "p3"));  // 6 → 4: c1 and p1 forgotten
  EXPECT_EQ(d.size(), 4u);
  EXPECT_EQ(d.evictions(), 2u);
  EXPECT_TRUE(d.admit("t1", "p1", ""));   // forgotten early: counted again
  EXPECT_FALSE(d.admit("t3", "p3", ""));  // still known
  const auto m = testing::parse_metrics(testing::render(registry));
  EXPECT_EQ(testing::value_of(m, "specwatch_llm_call_dedup_evictions_total"), 3);
  EXPECT_EQ(testing::value_of(m, "specwatch_llm_calls_deduplicated_total"), 1);
}

}  // namespace
}  // namespace specwatch
