// A blocking multi-producer, multi-consumer queue bounded by a weight (for example bytes) as well
// as by item count. A full queue blocks producers, which is how backpressure reaches the sources:
// a file source stops reading, a network receiver answers "retry later". Nothing is dropped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <utility>

namespace specwatch {

template <typename T>
class BoundedQueue {
 public:
  // One producer's share of the bound: a push through a lane also waits while the lane's own
  // weight is at the lane's bound. Why: a file read from its beginning produces as fast as the
  // disk allows and would fill the whole queue with records read ahead (that is most of the
  // sidecar's peak memory), leaving no room for a receiver that answers "retry later" when full.
  // Like the queue, an empty lane accepts one item heavier than its bound. The caller owns its
  // lanes; a lane must outlive its items in the queue.
  class Lane {
   public:
    explicit Lane(std::size_t max_weight) : max_weight_(max_weight) {}
    Lane(const Lane&) = delete;
    Lane& operator=(const Lane&) = delete;

   private:
    friend class BoundedQueue;
    const std::size_t max_weight_;
    std::size_t weight_ = 0;  // guarded by the queue's mutex
  };

  BoundedQueue(std::size_t max_items, std::size_t max_weight)
      : max_items_(max_items), max_weight_(max_weight) {}

  // Blocks while the queue (or `lane`) is full. Returns false if the queue was closed; the item is
  // then left untouched with the caller. An item heavier than the whole bound is still accepted
  // once the queue is empty, so a single large batch cannot wedge the pipeline.
  bool push(T&& item, std::size_t weight, Lane* lane = nullptr) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || has_room(weight, lane); });
    if (closed_) return false;
    add(std::move(item), weight, lane);
    return true;
  }

  // Like push, but gives up when the queue is still full after `timeout`; the caller keeps the
  // item (it is left untouched) and decides how to push back on its own sender.
  bool try_push_for(T& item, std::size_t weight, std::chrono::milliseconds timeout,
                    Lane* lane = nullptr) {
    std::unique_lock lock(mutex_);
    if (!not_full_.wait_for(lock, timeout, [&] { return closed_ || has_room(weight, lane); })) {
      return false;
    }
    if (closed_) return false;
    add(std::move(item), weight, lane);
    return true;
  }

  // Blocks until an item is available. Returns nullopt once the queue is closed and drained.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    return take_front();
  }

  // Blocks until an item is available or the queue is closed; false once closed and drained.
  // With try_pop, for a consumer that takes its items under a lock of its own (Pipeline).
  bool wait_for_item() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    return !items_.empty();
  }

  // The first item, or nullopt when there is none; never blocks.
  std::optional<T> try_pop() {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return std::nullopt;
    return take_front();
  }

  // Whether no item waits and producers are still accepted.
  bool empty_and_open() const {
    std::lock_guard lock(mutex_);
    return items_.empty() && !closed_;
  }

  // Producers are refused from now on; consumers drain what is left, then see nullopt.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  std::size_t weight() const {
    std::lock_guard lock(mutex_);
    return weight_;
  }
  std::size_t weight(const Lane& lane) const {
    std::lock_guard lock(mutex_);
    return lane.weight_;
  }

 private:
  struct Entry {
    T item;
    std::size_t weight;
    Lane* lane;
  };

  bool has_room(std::size_t weight, const Lane* lane) const {
    if (lane != nullptr && lane->weight_ > 0 && lane->weight_ + weight > lane->max_weight_) {
      return false;
    }
    if (items_.empty()) return true;
    return items_.size() < max_items_ && weight_ + weight <= max_weight_;
  }

  // Removes the first item (there is one; the mutex is held) and wakes the waiting producers.
  T take_front() {
    Entry entry = std::move(items_.front());
    items_.pop_front();
    weight_ -= entry.weight;
    if (entry.lane != nullptr) entry.lane->weight_ -= entry.weight;
    not_full_.notify_all();
    return std::move(entry.item);
  }

  void add(T&& item, std::size_t weight, Lane* lane) {
    items_.push_back(Entry{std::move(item), weight, lane});
    weight_ += weight;
    if (lane != nullptr) lane->weight_ += weight;
    not_empty_.notify_one();
  }

  const std::size_t max_items_;
  const std::size_t max_weight_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  std::deque<Entry> items_;
  std::size_t weight_ = 0;
  bool closed_ = false;
};

}  // namespace specwatch
