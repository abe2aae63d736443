#include "sidecar/sources/file/offset_tracker.h"

#include <algorithm>

namespace specwatch {

OffsetTracker::OffsetTracker(std::uint64_t start_offset, std::size_t seen_limit,
                             TailCheck start_tail)
    : committed_(start_offset), committed_tail_(start_tail), seen_limit_(seen_limit) {}

OffsetTracker::Ticket OffsetTracker::register_batch(std::uint64_t end_offset,
                                                    std::vector<std::string> keys, TailCheck tail) {
  std::lock_guard lock(mutex_);
  for (const auto& k : keys) ++in_flight_keys_[k];
  Ticket ticket{generation_, next_sequence_++};
  pending_.push_back({ticket.sequence, end_offset, false, false, std::move(keys), tail});
  return ticket;
}

bool OffsetTracker::acknowledge(const Ticket& ticket, DeliveryStatus status) {
  std::lock_guard lock(mutex_);
  if (ticket.generation != generation_) return false;
  auto it = std::lower_bound(pending_.begin(), pending_.end(), ticket.sequence,
                             [](const Pending& p, std::uint64_t seq) { return p.sequence < seq; });
  if (it == pending_.end() || it->sequence != ticket.sequence || it->done) return false;
  it->done = true;
  bool changed = false;
  for (const auto& k : it->keys) {
    auto f = in_flight_keys_.find(k);
    if (f != in_flight_keys_.end() && --f->second == 0) in_flight_keys_.erase(f);
    if (status == DeliveryStatus::kFailed) {
      reread_ = true;
    } else {
      add_seen_locked(k);
      changed = true;
    }
  }
  it->keys.clear();
  if (status == DeliveryStatus::kFailed) it->failed = true;
  while (!pending_.empty() && pending_.front().done) {
    // A failed batch must be read again: the checkpoint stays before it until the file restarts
    // (a restart of the source re-reads from there).
    if (pending_.front().failed) frozen_ = true;
    if (!frozen_ && pending_.front().end_offset > committed_) {
      committed_ = pending_.front().end_offset;
      committed_tail_ = pending_.front().tail;
      changed = true;
    }
    pending_.pop_front();
  }
  return changed;
}

void OffsetTracker::reset(std::uint64_t offset, TailCheck tail) {
  std::lock_guard lock(mutex_);
  ++generation_;
  pending_.clear();
  in_flight_keys_.clear();
  committed_ = offset;
  committed_tail_ = tail;
  frozen_ = false;
}

TailCheck OffsetTracker::committed_tail() const {
  std::lock_guard lock(mutex_);
  if (committed_tail_.offset != committed_) return TailCheck{committed_, 0, 0};
  return committed_tail_;
}

std::uint64_t OffsetTracker::committed_offset() const {
  std::lock_guard lock(mutex_);
  return committed_;
}

std::size_t OffsetTracker::in_flight() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

bool OffsetTracker::known_key(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return seen_.count(key) != 0 || in_flight_keys_.count(key) != 0;
}

std::vector<std::string> OffsetTracker::seen_keys() const {
  std::lock_guard lock(mutex_);
  return {seen_order_.begin(), seen_order_.end()};
}

void OffsetTracker::load_seen_keys(const std::vector<std::string>& keys) {
  std::lock_guard lock(mutex_);
  for (const auto& k : keys) add_seen_locked(k);
}

void OffsetTracker::mark_seen(const std::vector<std::string>& keys) {
  load_seen_keys(keys);
}

bool OffsetTracker::take_reread_request() {
  std::lock_guard lock(mutex_);
  bool r = reread_;
  reread_ = false;
  return r;
}

void OffsetTracker::add_seen_locked(const std::string& key) {
  if (!seen_.insert(key).second) return;
  seen_order_.push_back(key);
  while (seen_limit_ > 0 && seen_order_.size() > seen_limit_) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
}

}  // namespace specwatch
