// ReadBlockPool: which reads take a recycled block, how many blocks are kept, and that a block
// released on another thread, or after the source dropped its pool, goes back safely.
#include "sidecar/sources/file/read_block_pool.h"

#include <gtest/gtest.h>

#include <limits>
#include <thread>
#include <vector>

namespace specwatch {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

TEST(ReadBlockPool, ReadsBelowTheThresholdOrHalfABlockArePlainAllocations) {
  auto pool = ReadBlockPool::create(4 * kMiB);
  const std::size_t plain[] = {1, 4096, ReadBlockPool::kPooledFromBytes - 1, 2 * kMiB,
                               4 * kMiB + 1};
  for (const std::size_t bytes : plain) {
    ReadBlockPool::Block block = pool->take(bytes);
    ASSERT_NE(block, nullptr);
    EXPECT_EQ(block.get_deleter().pool, nullptr) << bytes;
  }
  EXPECT_EQ(pool->allocations(), 0u);
  EXPECT_EQ(pool->free_blocks(), 0u);
  // Just over half a block, and a whole one: pooled.
  EXPECT_EQ(pool->take(2 * kMiB + 1).get_deleter().pool, pool);
  EXPECT_EQ(pool->take(4 * kMiB).get_deleter().pool, pool);
  EXPECT_EQ(pool->allocations(), 1u);  // the second took the block the first gave back
  EXPECT_EQ(pool->free_blocks(), 1u);
}

TEST(ReadBlockPool, AHugeReadBufferSettingNeverAllocatesMoreThanAReadNeeds) {
  // read_buffer_bytes may be set up to 2^63 - 1: the pool's block size then is never allocated,
  // because no read fills half of it; each read gets a block of its own size.
  auto pool = ReadBlockPool::create(std::numeric_limits<std::size_t>::max() / 2);
  for (const std::size_t bytes : {std::size_t{4096}, 2 * kMiB, 64 * kMiB}) {
    ReadBlockPool::Block block = pool->take(bytes);
    ASSERT_NE(block, nullptr);
    EXPECT_EQ(block.get_deleter().pool, nullptr) << bytes;
    block.get()[bytes - 1] = 'x';  // the whole read fits
  }
  EXPECT_EQ(pool->allocations(), 0u);
}

TEST(ReadBlockPool, AReleasedBlockIsTakenAgainWholeAndWritable) {
  auto pool = ReadBlockPool::create(kMiB);
  ReadBlockPool::Block block = pool->take(kMiB);
  char* const address = block.get();
  std::fill(address, address + kMiB, 'a');
  block.reset();
  EXPECT_EQ(pool->free_blocks(), 1u);
  ReadBlockPool::Block again = pool->take(600 * 1024);
  EXPECT_EQ(again.get(), address);
  std::fill(again.get(), again.get() + kMiB, 'b');  // the whole block, not only what was asked
  EXPECT_EQ(again.get()[kMiB - 1], 'b');
  EXPECT_EQ(pool->allocations(), 1u);
}

TEST(ReadBlockPool, KeepsAtMostMaxFreeBlocks) {
  auto pool = ReadBlockPool::create(kMiB, 2);
  std::vector<ReadBlockPool::Block> held;
  for (int i = 0; i < 5; ++i) held.push_back(pool->take(kMiB));
  EXPECT_EQ(pool->allocations(), 5u);
  held.clear();
  EXPECT_EQ(pool->free_blocks(), 2u);
  for (int i = 0; i < 3; ++i) held.push_back(pool->take(kMiB));
  EXPECT_EQ(pool->allocations(), 6u);  // two kept ones, then a new one
  EXPECT_EQ(pool->free_blocks(), 0u);
}

TEST(ReadBlockPool, ReleaseFreeGivesTheKeptBlocksBack) {
  auto pool = ReadBlockPool::create(kMiB);
  pool->take(kMiB).reset();
  ASSERT_EQ(pool->free_blocks(), 1u);
  pool->release_free();
  EXPECT_EQ(pool->free_blocks(), 0u);
  pool->release_free();  // nothing kept: nothing to do
  EXPECT_EQ(pool->free_blocks(), 0u);
  pool->take(kMiB).reset();
  EXPECT_EQ(pool->allocations(), 2u);
  EXPECT_EQ(pool->free_blocks(), 1u);
}

TEST(ReadBlockPool, ABlockReleasedOnAnotherThreadGoesBackToItsPool) {
  auto pool = ReadBlockPool::create(kMiB);
  ReadBlockPool::Block block = pool->take(kMiB);
  char* const address = block.get();
  std::thread([b = std::move(block)]() mutable { b.reset(); }).join();
  EXPECT_EQ(pool->free_blocks(), 1u);
  EXPECT_EQ(pool->take(kMiB).get(), address);
}

TEST(ReadBlockPool, ABlockKeepsItsPoolAliveUntilReleased) {
  auto pool = ReadBlockPool::create(kMiB);
  std::weak_ptr<ReadBlockPool> weak = pool;
  {
    ReadBlockPool::Block block = pool->take(kMiB);
    pool.reset();  // the source stopped while a batch still holds the block
    EXPECT_FALSE(weak.expired());
  }
  EXPECT_TRUE(weak.expired());  // the block went back to it, and the pool with its kept block
}

}  // namespace
}  // namespace specwatch
