// One provider call, one count: a client instrumented twice (the Anthropic SDK's own span inside
// an instrumentation library's span, a framework's span around an SDK's span) describes the same
// call with two GenAI spans of one trace, a parent and its child. The normalize stage asks
// admit() for every llm_call event that comes from a span (trace_id and span_id set) and drops
// the ones it refuses, before any consumer sees them, so metrics, budgets and exported events
// all count the call once.
//
// The rule: of two llm_call spans where one is the other's parent, the one that arrives first is
// counted and the other is dropped. Children end, and are exported, before their parents, so the
// innermost span (the one closest to the provider) is normally the one counted; a parent that
// arrives before its child (another exporter's batch, a reordering collector) is counted and the
// child that follows is dropped. Chains of three spans collapse the same way (a dropped span still
// marks its parent). Two calls under one parent that is no call (Vercel AI's generateText around
// two doGenerate steps) are both counted.
//
// The state is bounded: one entry per span seen and one per parent marked, in two generations of
// `ttl` each (a span is remembered at least `ttl` and at most twice that; a child and its parent
// arrive within the export delay of each other, seconds). A generation holds at most
// `max_entries` / 2 entries: a full one starts the next generation early, and the entries of the
// oldest one, forgotten before their time, count in specwatch_llm_call_dedup_evictions_total.
// A generation is an open-addressing table of 64-bit keys and their flags, grown by doubling up to
// what max_entries / 2 needs at half load: a lookup is a probe or two in one array, where the
// node-based std::unordered_map it replaces cost 6 % of the sidecar's CPU on OTLP spans (one node
// per span, and every new generation rehashed its way up again). absl::flat_hash_map would do the
// same, but would add four more shared libraries to every sidecar's memory for this one table.
// Dropped calls count in specwatch_llm_calls_deduplicated_total. Worker thread only: not
// thread-safe.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

namespace specwatch {

class CallDeduplicator {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  struct Limits {
    std::size_t max_entries = 65536;
    std::chrono::seconds ttl{60};
  };

  // `registry` may be null (no metrics: tools and tests).
  CallDeduplicator(
      prometheus::Registry* registry, Limits limits,
      Clock clock = [] { return std::chrono::steady_clock::now(); });

  // Reads the clock and forgets what expired: once per batch, before its admit() calls.
  void begin_batch();
  // True when the call is to be counted. A call without trace or span id is always counted.
  bool admit(std::string_view trace_id, std::string_view span_id, std::string_view parent_span_id);

  // A span's lookups, hashed ahead of admit(): a batch's spans are hashed and their table slots
  // prefetched first, then admitted in order, so that the cache misses of their first probes
  // overlap instead of following one another (the first probe was 91 % of mark()'s samples).
  struct SpanKeys {
    std::uint64_t own = 0;
    std::uint64_t parent = 0;
    bool has_parent = false;
    bool counted_always = true;  // no trace or span id
  };
  static SpanKeys keys(std::string_view trace_id, std::string_view span_id,
                       std::string_view parent_span_id);
  // Whether a call with these ids comes from a span (admit() may refuse it); inline, so that a
  // batch of calls without span ids (provider-call logs) costs a check per call and no more.
  static bool from_span(std::string_view trace_id, std::string_view span_id) {
    return !trace_id.empty() && !span_id.empty();
  }
  // Starts loading the slots admit(k) will probe first (in both generations).
  void prefetch(const SpanKeys& k) const;
  // admit() of the span `k` was made from.
  bool admit(const SpanKeys& k);

  std::size_t size() const;
  std::uint64_t deduplicated() const { return deduplicated_count_; }
  std::uint64_t evictions() const { return eviction_count_; }

 private:
  enum Flag : std::uint8_t {
    kCall = 1,     // this span was an llm_call (counted or dropped)
    kCovered = 2,  // an llm_call child of this span arrived
  };
  // A hash of (trace id, span id) → the flags of that span, in one array: an entry is the key
  // with its two low bits replaced by the flags, so that a probe reads one cache line where a key
  // array and a flag array took two (the table holds up to 32,768 spans: most probes miss the
  // cache). 0 marks an empty slot: a stored key has bit 2 set, so no entry is 0 (collision odds
  // 2^-62 per pair of spans, far below every other error in the figures).
  class Generation {
   public:
    explicit Generation(std::chrono::steady_clock::time_point start) : started(start) {}
    // The entry of `key`, or null.
    std::uint64_t* find(std::uint64_t key);
    // Starts loading the slot a lookup of `key` probes first.
    void prefetch(std::uint64_t key) const;
    // Adds `key` (not present) with `flags`.
    void add(std::uint64_t key, std::uint8_t flags);
    // Empties the generation for reuse from `start`, keeping its table: a generation that
    // replaces the forgotten one does not grow again from kInitialSlots, rehashing as it goes.
    void reset(std::chrono::steady_clock::time_point start);
    std::size_t size() const { return size_; }
    static std::uint8_t flags_of(std::uint64_t entry) {
      return static_cast<std::uint8_t>(entry & kFlagBits);
    }

    std::chrono::steady_clock::time_point started;

   private:
    static constexpr std::size_t kInitialSlots = 1024;
    static constexpr std::uint64_t kFlagBits = 3;
    static std::uint64_t stored(std::uint64_t key) { return (key | 4) & ~kFlagBits; }
    // Where the probe for the stored key `key` starts.
    std::size_t home_of(std::uint64_t key) const {
      return static_cast<std::size_t>((key * 0x9e3779b97f4a7c15ULL) >> 32) & (entries_.size() - 1);
    }
    // The slot of the stored key `key`: its entry, or the empty slot where it would go.
    std::size_t slot_of(std::uint64_t key) const;
    void grow();

    std::vector<std::uint64_t> entries_;  // 0: empty; the size is a power of two
    std::size_t size_ = 0;
  };

  // Sets `flag` on the span's entry and returns its flags before.
  std::uint8_t mark(std::uint64_t key, std::uint8_t flag);
  // The current generation becomes the previous one; the previous one is forgotten.
  void rotate();

  Limits limits_;
  Clock clock_;
  prometheus::Counter* deduplicated_ = nullptr;
  prometheus::Counter* evicted_ = nullptr;
  std::uint64_t deduplicated_count_ = 0;
  std::uint64_t eviction_count_ = 0;
  std::chrono::steady_clock::time_point now_;  // as of begin_batch()
  std::unique_ptr<Generation> current_;
  std::unique_ptr<Generation> previous_;
};

}  // namespace specwatch
