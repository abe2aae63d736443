// The series an LLM call updates, resolved once per label set.
//
// One call touches up to eight series of five families (requests, duration, a counter per token
// type, cost). Finding each through its LimitedFamily costs a key built and hashed per family; a
// stream of a few services × models × operations × outcomes misses the families' short memory of
// recent series on most calls. LlmCallSeriesCache keys everything a call touches by its label
// values once, so that a call of a known label set costs one lookup and a few increments.
//
// Exactness: a slot holds a series only once its family returned one of its own series, never the
// overflow series (every folded observation must go through the family, which counts it), so a
// slot left empty sends the call down the family's path again. The cache is bounded (past its
// capacity, find() returns nullptr and the caller resolves each series through the families) and
// is cleared when the prices change (an entry remembers its model's price).
//
// Not thread-safe: the owner (DerivedMetrics) serializes access, as for LimitedFamily.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sidecar/core/byte_hash.h"
#include "sidecar/derive/limited_family.h"
#include "sidecar/derive/pending_observations.h"
#include "sidecar/derive/pricing.h"

namespace specwatch {

// The label values of one call, as the families' labels read them ("unknown" for absent ones).
struct LlmCallLabels {
  std::string_view service;
  std::string_view provider;
  std::string_view model;
  std::string_view operation;
  std::string_view outcome;
  std::string_view error_type;
};

enum class LlmTokenType : std::uint8_t { kInput, kOutput, kCacheRead, kCacheCreation, kReasoning };
inline constexpr std::size_t kLlmTokenTypes = 5;

// Slots of one label set; empty until first resolved (see above).
struct LlmCallSeries {
  prometheus::Counter* requests = nullptr;
  prometheus::Histogram* duration = nullptr;
  std::array<prometheus::Counter*, kLlmTokenTypes> tokens{};
  prometheus::Counter* reported_cost = nullptr;
  prometheus::Counter* computed_cost = nullptr;
  // specwatch_llm_unpriced_requests_total and specwatch_llm_requests_without_usage_total, whose
  // labels (service, provider, model) follow from the call's.
  prometheus::Counter* unpriced = nullptr;
  prometheus::Counter* without_usage = nullptr;
  // The unpriced-model log has been told of this label set's (provider, model): it remembers the
  // pair (or is past its limit, and then never logs it), so telling it again does nothing.
  bool unpriced_told = false;
  // Specular's own families (specular_metrics.h), for a call of a profile with `tool: specular`:
  // their labels (provider, model, success, error type) follow from the call's.
  prometheus::Counter* specular_calls = nullptr;
  prometheus::Counter* specular_errors = nullptr;
  prometheus::Histogram* specular_latency = nullptr;
  prometheus::Counter* specular_cost = nullptr;
  // The price table's answer for the call's own (provider, model), once asked.
  const ModelPrice* price = nullptr;
  bool price_known = false;
  // Increments and observations of the current batch not yet added to the series above (resolved
  // slots only; LlmCallSeriesCache::apply_pending adds them when the batch ends). Why: a counter's
  // increment is an atomic compare-and-swap loop on a double, a histogram's observation a mutex and
  // two of them; a batch of a thousand calls over a few dozen label sets then costs a few dozen of
  // them per series instead of a thousand.
  struct Pending {
    double requests = 0;
    PendingObservations duration;
    std::array<double, kLlmTokenTypes> tokens{};
    double reported_cost = 0;
    double computed_cost = 0;
    double unpriced = 0;
    double without_usage = 0;
    double specular_calls = 0;
    double specular_errors = 0;
    PendingObservations specular_latency;
    double specular_cost = 0;
  } pending;
  bool pending_listed = false;  // in the cache's list of entries with pending increments
};

// The series of `family` for `values`: the one in `slot`, else found through the family and kept
// in `slot` unless it is the overflow series (see above).
template <typename Metric>
Metric& resolve_slot(Metric*& slot, LimitedFamily<Metric>& family,
                     std::span<const std::string_view> values) {
  if (slot != nullptr) return *slot;
  Metric& metric = family.get(values);
  if (!family.is_overflow(metric)) slot = &metric;
  return metric;
}

// Copies `n` bytes of a label value into a key: up to 32 bytes as a few overlapping fixed-size
// moves, beyond with memcpy. Why: the six values of a call are mostly 4 to 24 bytes, and six
// memcpy calls took about 80 instructions of the key's 180.
inline void copy_label_bytes(char* out, const char* in, std::size_t n) {
  if (n > 32) {
    std::memcpy(out, in, n);
  } else if (n >= 8) {
    std::uint64_t w[4];
    std::memcpy(&w[0], in, 8);
    std::memcpy(&w[1], in + n - 8, 8);
    if (n > 16) {
      std::memcpy(&w[2], in + 8, 8);
      std::memcpy(&w[3], in + n - 16, 8);
      std::memcpy(out + 8, &w[2], 8);
      std::memcpy(out + n - 16, &w[3], 8);
    }
    std::memcpy(out, &w[0], 8);
    std::memcpy(out + n - 8, &w[1], 8);
  } else if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, in, 4);
    std::memcpy(&b, in + n - 4, 4);
    std::memcpy(out, &a, 4);
    std::memcpy(out + n - 4, &b, 4);
  } else if (n > 0) {
    out[0] = in[0];
    out[n / 2] = in[n / 2];
    out[n - 1] = in[n - 1];
  }
}

class LlmCallSeriesCache {
 public:
  explicit LlmCallSeriesCache(std::size_t capacity) : capacity_(capacity) {}
  LlmCallSeriesCache(const LlmCallSeriesCache&) = delete;
  LlmCallSeriesCache& operator=(const LlmCallSeriesCache&) = delete;

  // The entry of these labels (created empty), or nullptr when the cache is full.
  LlmCallSeries* find(const LlmCallLabels& labels) {
    // The values, each followed by a unit separator (which cannot be confused with label text),
    // written into a key sized once: appended one by one, each append's capacity check and call
    // cost more than the copies (about 150 instructions of a call's derivation).
    const std::array<std::string_view, 6> values = {labels.service, labels.provider,
                                                    labels.model,   labels.operation,
                                                    labels.outcome, labels.error_type};
    std::size_t size = values.size();
    for (std::string_view value : values) size += value.size();
    key_.resize(size);
    char* out = key_.data();
    for (std::string_view value : values) {
      copy_label_bytes(out, value.data(), value.size());
      out += value.size();
      *out++ = '\x1f';
    }
    // Calls of one label set often come in runs (one service's loop over one model).
    if (last_ != nullptr && *last_key_ == key_) return last_;
    auto found = entries_.find(std::string_view(key_));
    if (found == entries_.end()) {
      if (entries_.size() >= capacity_) return nullptr;
      found = entries_.emplace(key_, LlmCallSeries{}).first;
    }
    // Map nodes keep their address; entries are removed only by clear().
    last_key_ = &found->first;
    last_ = &found->second;
    return last_;
  }

  // Adds `amount` to `pending`, one of the Pending fields of `series` (an entry of this cache whose
  // matching slot is resolved), for apply_pending().
  void defer(LlmCallSeries& series, double& pending, double amount) {
    pending += amount;
    if (!series.pending_listed) {
      series.pending_listed = true;
      pending_.push_back(&series);
    }
  }

  // Notes `value` in `pending`, one of the PendingObservations of `series` (an entry of this cache
  // whose matching histogram slot is resolved, with these `bounds`), for apply_pending().
  void defer_observation(LlmCallSeries& series, PendingObservations& pending,
                         const prometheus::Histogram::BucketBoundaries& bounds, double value) {
    pending.add(bounds, value);
    if (!series.pending_listed) {
      series.pending_listed = true;
      pending_.push_back(&series);
    }
  }

  // Adds every deferred increment and observation to its series. The owner calls it before its
  // lock is released, so that nobody reading the series afterwards misses an event.
  void apply_pending() {
    for (LlmCallSeries* series : pending_) {
      LlmCallSeries::Pending& p = series->pending;
      add(series->requests, p.requests);
      observe(series->duration, p.duration);
      for (std::size_t t = 0; t < kLlmTokenTypes; ++t) add(series->tokens[t], p.tokens[t]);
      add(series->reported_cost, p.reported_cost);
      add(series->computed_cost, p.computed_cost);
      add(series->unpriced, p.unpriced);
      add(series->without_usage, p.without_usage);
      add(series->specular_calls, p.specular_calls);
      add(series->specular_errors, p.specular_errors);
      observe(series->specular_latency, p.specular_latency);
      add(series->specular_cost, p.specular_cost);
      // Zeroed in place: the bucket vectors keep their storage for the next batch.
      p.requests = 0;
      p.tokens = {};
      p.reported_cost = 0;
      p.computed_cost = 0;
      p.unpriced = 0;
      p.without_usage = 0;
      p.specular_calls = 0;
      p.specular_errors = 0;
      p.specular_cost = 0;
      series->pending_listed = false;
    }
    pending_.clear();
  }

  void clear() {
    apply_pending();
    entries_.clear();
    last_key_ = nullptr;
    last_ = nullptr;
  }

  std::size_t size() const { return entries_.size(); }

 private:
  static void add(prometheus::Counter* counter, double amount) {
    if (amount != 0) counter->Increment(amount);
  }

  static void observe(prometheus::Histogram* histogram, PendingObservations& pending) {
    if (pending.count != 0) pending.apply_to(*histogram);
  }

  std::size_t capacity_;
  std::vector<LlmCallSeries*>
      pending_;  // entries with pending increments (map nodes keep their place)
  std::string key_;
  std::unordered_map<std::string, LlmCallSeries, ByteHash, std::equal_to<>> entries_;
  const std::string* last_key_ = nullptr;
  LlmCallSeries* last_ = nullptr;
};

// `amount` into the counter of `slot`: deferred to the end of the batch when `cache` holds `series`
// and the slot is resolved, else at once (resolving the slot through `family` with the label
// values `labels()` returns, a std::array of string_views). A callable, so that the values are
// built only then: as an initializer list they were stored for every counter of every call,
// about 10 instructions each, though a cached call never reads them.
template <typename Labels>
[[gnu::always_inline]] inline void count_call(LlmCallSeriesCache* cache, LlmCallSeries& series,
                                              prometheus::Counter*& slot, double& pending,
                                              LimitedFamily<prometheus::Counter>& family,
                                              const Labels& labels, double amount) {
  if (cache != nullptr && slot != nullptr) {
    cache->defer(series, pending, amount);
  } else {
    const auto values = labels();
    resolve_slot(slot, family, std::span<const std::string_view>(values)).Increment(amount);
  }
}

// `value` into the histogram of `slot`, deferred or at once as count_call() decides.
template <typename Labels>
[[gnu::always_inline]] inline void observe_call(LlmCallSeriesCache* cache, LlmCallSeries& series,
                                                prometheus::Histogram*& slot,
                                                PendingObservations& pending,
                                                LimitedFamily<prometheus::Histogram>& family,
                                                const Labels& labels, double value) {
  if (cache != nullptr && slot != nullptr) {
    cache->defer_observation(series, pending, family.buckets(), value);
  } else {
    const auto values = labels();
    resolve_slot(slot, family, std::span<const std::string_view>(values)).Observe(value);
  }
}

}  // namespace specwatch
