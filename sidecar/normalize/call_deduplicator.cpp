#include "sidecar/normalize/call_deduplicator.h"

#include <prometheus/family.h>

#include <utility>

namespace specwatch {
namespace {

// 64 bits of (the trace id's hash, span id): a collision would merge two spans' flags, at odds of
// about 2^-64 per pair, far below every other error in the figures.
std::uint64_t span_key(std::uint64_t t, std::string_view span_id) {
  const std::uint64_t s = std::hash<std::string_view>{}(span_id);
  return t ^ (s + 0x9e3779b97f4a7c15ULL + (t << 6) + (t >> 2));
}

}  // namespace

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
  return current_->spans.size() + previous_->spans.size();
}

void CallDeduplicator::rotate() {
  previous_ = std::exchange(current_, std::make_unique<Generation>(now_));
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
  if (trace_id.empty() || span_id.empty()) return true;
  const std::uint64_t trace = std::hash<std::string_view>{}(trace_id);
  const std::uint8_t own = mark(span_key(trace, span_id), kCall);
  bool duplicate = (own & kCovered) != 0;  // a call child of this span came first
  if (!parent_span_id.empty()) {
    const std::uint8_t parent = mark(span_key(trace, parent_span_id), kCovered);
    if ((parent & kCall) != 0) duplicate = true;  // the parent call came first
  }
  if (duplicate) {
    ++deduplicated_count_;
    if (deduplicated_ != nullptr) deduplicated_->Increment();
  }
  return !duplicate;
}

std::uint8_t CallDeduplicator::mark(std::uint64_t key, std::uint8_t flag) {
  if (auto found = current_->spans.find(key); found != current_->spans.end()) {
    const std::uint8_t before = found->second;
    found->second = static_cast<std::uint8_t>(before | flag);
    return before;
  }
  std::uint8_t before = 0;
  if (auto found = previous_->spans.find(key); found != previous_->spans.end()) {
    before = found->second;
  }
  if (current_->spans.size() >= limits_.max_entries / 2) {
    // Full: the oldest generation goes before its time.
    const std::size_t forgotten = previous_->spans.size();
    eviction_count_ += forgotten;
    if (evicted_ != nullptr) evicted_->Increment(static_cast<double>(forgotten));
    rotate();
  }
  current_->spans.emplace(key, static_cast<std::uint8_t>(before | flag));
  return before;
}

}  // namespace specwatch
