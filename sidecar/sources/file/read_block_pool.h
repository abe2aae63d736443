// The blocks a file source reads into (ReadStorage::block), recycled when they are large.
//
// Why: main.cpp fixes glibc's mmap threshold at 1 MiB, so a block above it is mapped when
// allocated and unmapped when freed: with `read_buffer_bytes` of 1 MiB or more, every read faulted
// its pages in afresh inside pread and every free cost a munmap with its TLB shootdown. W1-LLM
// with 1 MiB reads took about three times the CPU of 256 KiB reads (docs/PERFORMANCE.md,
// "Large reads"). A block of a large read is now taken from a short free list and goes back to it
// when the last batch of its read is released, on whichever thread that happens (the pipeline's
// or an exporter's); the list is guarded by a mutex, taken once per read. Small reads (a growing
// file's news) keep plain allocations: a large block held by a small read's batches, which may
// wait long for an acknowledgement, would cost memory for nothing.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace specwatch {

class ReadBlockPool : public std::enable_shared_from_this<ReadBlockPool> {
  struct Key {};  // create() only: blocks keep their pool alive through shared_from_this

 public:
  // Returns a pooled block to its pool; a plain block (no pool) is deleted.
  struct Deleter {
    std::shared_ptr<ReadBlockPool> pool;
    void operator()(char* block) const noexcept;
  };
  using Block = std::unique_ptr<char[], Deleter>;

  // Reads from this size up are pooled (when they also fill more than half a block): below it,
  // glibc serves and keeps blocks in its heap.
  static constexpr std::size_t kPooledFromBytes = 512 * 1024;

  // `block_bytes`: the largest block a read asks for (its path, the bytes kept before the read
  // offset, the read and the padding). `max_free`: blocks kept for reuse at most.
  static std::shared_ptr<ReadBlockPool> create(std::size_t block_bytes, std::size_t max_free = 2);

  // A block of at least `bytes` bytes (uninitialized): a kept one or a new one of block_bytes()
  // when `bytes` is at least kPooledFromBytes and more than half of block_bytes(), else a plain
  // allocation of exactly `bytes`.
  Block take(std::size_t bytes);

  // Frees the kept blocks (the source has caught up: an idle source holds no read memory).
  void release_free();

  std::size_t block_bytes() const { return block_bytes_; }
  std::size_t free_blocks() const;
  // Pooled blocks allocated so far (a take() that found none kept).
  std::size_t allocations() const;

  ReadBlockPool(Key, std::size_t block_bytes, std::size_t max_free)
      : block_bytes_(block_bytes), max_free_(max_free) {}

 private:
  void give_back(char* block) noexcept;

  const std::size_t block_bytes_;
  const std::size_t max_free_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<char[]>> free_;  // guarded by mutex_
  std::size_t allocations_ = 0;                // guarded by mutex_
};

}  // namespace specwatch
