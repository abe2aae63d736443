#include "sidecar/normalize/call_deduplicator.h"

#include <prometheus/family.h>

#include <utility>

namespace specwatch {
namespace {

// 64 bits of (trace id, span id): a collision would merge two spans' flags, at odds of about
// 2^-64 per pair, far below every other error in the figures.
std::uint64_t span_key(std::string_view trace_id, std::string_view span_id) {
  const std::uint64_t t = std::hash<std::string_view>{}(trace_id);
  const std::uint64_t s = std::hash<std::string_view>{}(span_id);
  return t ^ (s + 0x9e3779b97f4a7c15ULL + (t << 6) + (t >> 2));
}

}  // namespace

CallDeduplicator::CallDeduplicator(prometheus::Registry* registry, Limits limits, Clock clock)
    : limits_(limits), clock_(std::move(clock)) {
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

void CallDeduplicator::begin_batch() {
  now_ = clock_();
  while (!order_.empty() && now_ - order_.front().first >= limits_.ttl) {
    entries_.erase(order_.front().second);
    order_.pop_front();
  }
}

bool CallDeduplicator::admit(std::string_view trace_id, std::string_view span_id,
                             std::string_view parent_span_id) {
  if (trace_id.empty() || span_id.empty()) return true;
  const std::uint8_t own = mark(span_key(trace_id, span_id), kCall);
  bool duplicate = (own & kCovered) != 0;  // a call child of this span came first
  if (!parent_span_id.empty()) {
    const std::uint8_t parent = mark(span_key(trace_id, parent_span_id), kCovered);
    if ((parent & kCall) != 0) duplicate = true;  // the parent call came first
  }
  if (duplicate) {
    ++deduplicated_count_;
    if (deduplicated_ != nullptr) deduplicated_->Increment();
  }
  return !duplicate;
}

std::uint8_t CallDeduplicator::mark(std::uint64_t key, std::uint8_t flag) {
  auto [it, inserted] = entries_.try_emplace(key);
  const std::uint8_t before = it->second;
  it->second = static_cast<std::uint8_t>(before | flag);
  if (inserted) {
    order_.emplace_back(now_, key);
    if (entries_.size() > limits_.max_entries) {
      // Full: forget the oldest entry early.
      entries_.erase(order_.front().second);
      order_.pop_front();
      ++eviction_count_;
      if (evicted_ != nullptr) evicted_->Increment();
    }
  }
  return before;
}

}  // namespace specwatch
