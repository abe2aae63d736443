// HeapReleaser: when free heap memory is handed back (its policy, with counted hooks), and that
// with the daemon's allocator thresholds a burst's freed memory stays resident until it does
// (glibc itself). A test binary of its own: tune_allocator() changes the whole process.
#include "sidecar/app/heap_release.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

namespace specwatch {
namespace {

using namespace std::chrono_literals;
using Clock = HeapReleaser::Clock;

struct Counted {
  std::size_t resident = 100;
  int asked = 0;
  int released = 0;
  std::size_t after_release = 0;  // what a release leaves resident
  HeapReleaser::Hooks hooks() {
    return {[this] {
              ++asked;
              return resident;
            },
            [this] {
              ++released;
              resident = after_release;
            }};
  }
};

TEST(HeapReleaser, ReleasesOncePerIntervalWhenResidentMemoryGrewByTheMinimum) {
  Counted c;
  const Clock::time_point t0{};
  HeapReleaser heap(t0, c.hooks(), 10s, 1000);  // baseline 100
  EXPECT_EQ(c.asked, 1);
  c.resident = 5000;
  EXPECT_FALSE(heap.tick(t0 + 9s));  // not due: not even asked
  EXPECT_EQ(c.asked, 1);
  EXPECT_EQ(heap.until_due(t0 + 9s), 1s);
  c.after_release = 300;
  EXPECT_TRUE(heap.tick(t0 + 10s));
  EXPECT_EQ(c.released, 1);
  EXPECT_EQ(c.asked, 3);  // before and after the release: 300 is the new baseline
  EXPECT_EQ(heap.until_due(t0 + 10s), 10s);
  c.resident = 5000;
  EXPECT_FALSE(heap.tick(t0 + 19s));  // due again only 10 s after the last check
  EXPECT_EQ(c.released, 1);
  c.resident = 1299;  // grew by less than the minimum over 300
  EXPECT_FALSE(heap.tick(t0 + 25s));
  EXPECT_EQ(c.released, 1);
  c.resident = 1300;  // by the minimum: released; what stays (in use) is the new baseline
  c.after_release = 1250;
  EXPECT_TRUE(heap.tick(t0 + 35s));
  EXPECT_EQ(c.released, 2);
  c.resident = 1300;  // the memory in use is not released again and again
  EXPECT_FALSE(heap.tick(t0 + 45s));
  c.resident = 200;  // shrunk: the lower baseline, so that the next burst counts from it
  EXPECT_FALSE(heap.tick(t0 + 55s));
  c.resident = 1200;
  c.after_release = 200;
  EXPECT_TRUE(heap.tick(t0 + 65s));
  EXPECT_EQ(c.released, 3);
  EXPECT_EQ(heap.until_due(t0 + 80s), Clock::duration::zero());
}

TEST(HeapReleaser, ABurstsFreedMemoryStaysResidentUntilReleased) {
  tune_allocator();
  constexpr std::size_t kMiB = 1024 * 1024;
  HeapReleaser heap(Clock::time_point{});  // the daemon's interval, minimum and malloc_trim
  const std::size_t before = resident_bytes();
  ASSERT_GT(before, 0u);
  {
    // 48 MiB in the 256 KiB blocks of an OTLP export's values, written, then freed.
    std::vector<std::unique_ptr<char[]>> blocks;
    for (int i = 0; i < 192; ++i) {
      blocks.push_back(std::make_unique_for_overwrite<char[]>(256 * 1024));
      std::memset(blocks.back().get(), 'x', 256 * 1024);
    }
    EXPECT_GE(resident_bytes(), before + 40 * kMiB);
  }
  // Freed: under the 64 MiB trim threshold glibc keeps it, ready for the next burst.
  const std::size_t kept = resident_bytes();
  EXPECT_GE(kept, before + 40 * kMiB);
  EXPECT_FALSE(heap.tick(Clock::time_point{} + 9s));
  EXPECT_GE(resident_bytes(), before + 40 * kMiB);
  EXPECT_TRUE(heap.tick(Clock::time_point{} + 10s));
  EXPECT_LE(resident_bytes(), kept - 40 * kMiB);
  EXPECT_FALSE(heap.tick(Clock::time_point{} + 20s));  // nothing new since
}

}  // namespace
}  // namespace specwatch
