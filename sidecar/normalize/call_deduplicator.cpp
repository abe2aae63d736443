#include "sidecar/normalize/call_deduplicator.h"

#include <prometheus/family.h>

#include <algorithm>
#include <utility>

#include "sidecar/core/byte_hash.h"

namespace specwatch {
namespace {

// 64 bits of (the trace id's hash, span id): a collision would merge two spans' flags, at odds of
// about 2^-64 per pair, far below every other error in the figures.
std::uint64_t span_key(std::uint64_t t, std::string_view span_id) {
  const std::uint64_t s = byte_hash(span_id);
  return t ^ (s + 0x9e3779b97f4a7c15ULL + (t << 6) + (t >> 2));
}

}  // namespace

std::size_t CallDeduplicator::Generation::slot_of(std::uint64_t key) const {
  // The keys are hashes already; the multiply spreads their low bits (which pick the slot).
  const std::size_t mask = entries_.size() - 1;
  std::size_t slot = home_of(key);
  while (entries_[slot] != 0 && (entries_[slot] & ~kFlagBits) != key) slot = (slot + 1) & mask;
  return slot;
}

std::uint64_t* CallDeduplicator::Generation::find(std::uint64_t key) {
  if (size_ == 0) return nullptr;
  const std::size_t slot = slot_of(stored(key));
  return entries_[slot] != 0 ? &entries_[slot] : nullptr;
}

void CallDeduplicator::Generation::prefetch(std::uint64_t key) const {
  if (size_ != 0) __builtin_prefetch(entries_.data() + home_of(stored(key)));
}

void CallDeduplicator::Generation::add(std::uint64_t key, std::uint8_t flags) {
  if ((size_ + 1) * 2 > entries_.size()) grow();  // at most half full: short probes
  const std::uint64_t k = stored(key);
  entries_[slot_of(k)] = k | (flags & kFlagBits);
  ++size_;
}

void CallDeduplicator::Generation::reset(std::chrono::steady_clock::time_point start) {
  std::fill(entries_.begin(), entries_.end(), 0);
  size_ = 0;
  started = start;
}

void CallDeduplicator::Generation::grow() {
  std::vector<std::uint64_t> entries(entries_.empty() ? kInitialSlots : entries_.size() * 2, 0);
  entries.swap(entries_);
  for (const std::uint64_t entry : entries) {
    if (entry != 0) entries_[slot_of(entry & ~kFlagBits)] = entry;
  }
}

CallDeduplicator::CallDeduplicator(prometheus::Registry* registry, Limits limits, Clock clock)
    : limits_(limits),
      clock_(std::move(clock)),
      now_(clock_()),
      current_(std::make_unique<Generation>(now_)),
      previous_(std::make_unique<Generation>(now_)) {
  if (registry != nullptr) {
    deduplicated_ = &prometheus::BuildCounter()
                         .Name("specwatch_llm_calls_deduplicated_total")
                         .Help(
                             "LLM call spans not counted because their parent or child span in "
                             "the same trace already describes the call.")
                         .Register(*registry)
                         .Add({});
    evicted_ = &prometheus::BuildCounter()
                    .Name("specwatch_llm_call_dedup_evictions_total")
                    .Help(
                        "Spans forgotten by the LLM call de-duplication before their expiry "
                        "because its state was full.")
                    .Register(*registry)
                    .Add({});
  }
}

std::size_t CallDeduplicator::size() const {
  return current_->size() + previous_->size();
}

void CallDeduplicator::rotate() {
  // The forgotten generation, emptied, becomes the current one.
  std::swap(previous_, current_);
  current_->reset(now_);
}

void CallDeduplicator::begin_batch() {
  now_ = clock_();
  if (now_ - current_->started >= limits_.ttl) {
    rotate();
    // The previous generation's entries were all added more than two ttl ago: forgotten too.
    if (now_ - previous_->started >= 2 * limits_.ttl) rotate();
  }
}

bool CallDeduplicator::admit(std::string_view trace_id, std::string_view span_id,
                             std::string_view parent_span_id) {
  return admit(keys(trace_id, span_id, parent_span_id));
}

CallDeduplicator::SpanKeys CallDeduplicator::keys(std::string_view trace_id,
                                                  std::string_view span_id,
                                                  std::string_view parent_span_id) {
  SpanKeys k;
  if (!from_span(trace_id, span_id)) return k;
  k.counted_always = false;
  const std::uint64_t trace = byte_hash(trace_id);
  k.own = span_key(trace, span_id);
  if (!parent_span_id.empty()) {
    k.has_parent = true;
    k.parent = span_key(trace, parent_span_id);
  }
  return k;
}

void CallDeduplicator::prefetch(const SpanKeys& k) const {
  if (k.counted_always) return;
  current_->prefetch(k.own);
  previous_->prefetch(k.own);
  if (k.has_parent) {
    current_->prefetch(k.parent);
    previous_->prefetch(k.parent);
  }
}

bool CallDeduplicator::admit(const SpanKeys& k) {
  if (k.counted_always) return true;
  const std::uint8_t own = mark(k.own, kCall);
  bool duplicate = (own & kCovered) != 0;  // a call child of this span came first
  if (k.has_parent) {
    const std::uint8_t parent = mark(k.parent, kCovered);
    if ((parent & kCall) != 0) duplicate = true;  // the parent call came first
  }
  if (duplicate) {
    ++deduplicated_count_;
    if (deduplicated_ != nullptr) deduplicated_->Increment();
  }
  return !duplicate;
}

std::uint8_t CallDeduplicator::mark(std::uint64_t key, std::uint8_t flag) {
  if (std::uint64_t* found = current_->find(key)) {
    const std::uint8_t before = Generation::flags_of(*found);
    *found |= flag;
    return before;
  }
  std::uint8_t before = 0;
  if (const std::uint64_t* found = previous_->find(key)) before = Generation::flags_of(*found);
  if (current_->size() >= limits_.max_entries / 2) {
    // Full: the oldest generation goes before its time.
    const std::size_t forgotten = previous_->size();
    eviction_count_ += forgotten;
    if (evicted_ != nullptr) evicted_->Increment(static_cast<double>(forgotten));
    rotate();
  }
  current_->add(key, static_cast<std::uint8_t>(before | flag));
  return before;
}

}  // namespace specwatch
