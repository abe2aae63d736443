#include "sidecar/sources/file/read_block_pool.h"

namespace specwatch {

void ReadBlockPool::Deleter::operator()(char* block) const noexcept {
  if (pool) {
    pool->give_back(block);
  } else {
    delete[] block;
  }
}

std::shared_ptr<ReadBlockPool> ReadBlockPool::create(std::size_t block_bytes,
                                                     std::size_t max_free) {
  return std::make_shared<ReadBlockPool>(Key{}, block_bytes, max_free);
}

ReadBlockPool::Block ReadBlockPool::take(std::size_t bytes) {
  if (bytes < kPooledFromBytes || bytes > block_bytes_ || bytes <= block_bytes_ / 2) {
    return Block(std::make_unique_for_overwrite<char[]>(bytes).release(), Deleter{});
  }
  std::unique_ptr<char[]> block;
  {
    std::lock_guard lock(mutex_);
    if (!free_.empty()) {
      block = std::move(free_.back());
      free_.pop_back();
    } else {
      ++allocations_;
    }
  }
  // Allocated outside the lock: a release on another thread need not wait for it.
  if (!block) block = std::make_unique_for_overwrite<char[]>(block_bytes_);
  return Block(block.release(), Deleter{shared_from_this()});
}

void ReadBlockPool::give_back(char* block) noexcept {
  std::unique_ptr<char[]> owned(block);
  std::lock_guard lock(mutex_);
  if (free_.size() < max_free_) {
    // Reserved at the first give-back of up to max_free_ blocks: push_back then cannot throw.
    if (free_.capacity() < max_free_) {
      try {
        free_.reserve(max_free_);
      } catch (...) {
        return;  // the block is freed instead of kept
      }
    }
    free_.push_back(std::move(owned));
  }
}

void ReadBlockPool::release_free() {
  std::vector<std::unique_ptr<char[]>> freed;
  {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return;
    freed.swap(free_);
  }
  // Freed outside the lock (munmap of large blocks).
}

std::size_t ReadBlockPool::free_blocks() const {
  std::lock_guard lock(mutex_);
  return free_.size();
}

std::size_t ReadBlockPool::allocations() const {
  std::lock_guard lock(mutex_);
  return allocations_;
}

}  // namespace specwatch
