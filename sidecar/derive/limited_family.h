// A metric family with a bound on its number of series.
//
// prometheus-cpp's Family::Add hashes and compares the whole label map on every call, which is
// too slow per event; LimitedFamily keeps a reference to each series it created, keyed by the
// label values joined into one string, so the hot path is one hash lookup without allocation.
//
// Cardinality: at most `max_series` distinct label sets get their own series. Past the limit a new
// label set is folded into a single series whose label values all read "overflow" (the same idea
// as the OpenTelemetry Collector's overflow series), and every folded observation increments
// specwatch_series_overflow_total{metric="<name>"}. Memory therefore stays bounded whatever the
// input: max_series + 1 series and the same number of map entries.
//
// Label values come from input, so they may carry credentials (an API key pasted as a model name):
// with a SiteRedactor, the values of a new series are redacted when the series is created
// (sidecar/redact). The lookup key stays the input's own values, so a known series costs no scan
// and the same input always finds the same redacted series; two secrets that redact alike find
// one series. specwatch_redactions_total{site="label"} counts each match once per series created,
// not per observation: see docs/METRICS.md.
//
// With an ExposedSeries (exposed_family.h), each series created is also added there with its label
// text escaped once, so that /metrics writes the family straight from its series.
//
// Not thread-safe: the owner (DerivedMetrics) serializes access. Reading the registry (a scrape)
// may run concurrently: prometheus-cpp's own series are thread-safe, and so is ExposedSeries.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <array>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sidecar/core/byte_hash.h"
#include "sidecar/derive/exposed_family.h"
#include "sidecar/redact/redaction_metrics.h"

namespace specwatch {

inline constexpr std::size_t kDefaultMaxSeriesPerMetric = 2000;
inline constexpr std::string_view kOverflowLabelValue = "overflow";

template <typename Metric>
class LimitedFamily {
 public:
  // `overflow_total` is the family specwatch_series_overflow_total{metric}; its series for this
  // metric is created on the first folded observation. `buckets` is used for histograms only.
  // `redaction` (may be null: values are taken as they are) and `exposed` (may be null: the family
  // is only collected) must outlive the family.
  LimitedFamily(prometheus::Family<Metric>& family, std::string metric_name,
                std::vector<std::string> label_names, std::size_t max_series,
                prometheus::Family<prometheus::Counter>& overflow_total,
                prometheus::Histogram::BucketBoundaries buckets = {},
                SiteRedactor* redaction = nullptr, ExposedSeries<Metric>* exposed = nullptr)
      : family_(family),
        metric_name_(std::move(metric_name)),
        label_names_(std::move(label_names)),
        max_series_(max_series),
        overflow_total_(overflow_total),
        buckets_(std::move(buckets)),
        redaction_(redaction),
        exposed_(exposed) {
    series_.reserve(std::min<std::size_t>(max_series_, 1024));
  }

  LimitedFamily(const LimitedFamily&) = delete;
  LimitedFamily& operator=(const LimitedFamily&) = delete;

  // The series for these label values (in the order of label_names), created on first use, or
  // the overflow series once the limit is reached (and then the overflow counter is incremented
  // by `observations`: pass the number of observations the caller records into the series).
  Metric& get(std::initializer_list<std::string_view> values, std::size_t observations = 1) {
    return get(std::span<const std::string_view>(values.begin(), values.size()), observations);
  }
  Metric& get(std::span<const std::string_view> values, std::size_t observations = 1) {
    // Consecutive events mostly hit one of a few series (one service, one level, a handful of
    // models in turn): the series found last are compared value by value against their keys,
    // without building the key or hashing it.
    for (const Recent& recent : recent_) {
      if (recent.key != nullptr && matches(*recent.key, values)) return *recent.metric;
    }
    key_.clear();
    for (auto value : values) {
      key_.append(value);
      key_.push_back('\x1f');  // unit separator: cannot be confused with label text
    }
    if (auto found = series_.find(std::string_view(key_)); found != series_.end()) {
      remember(found->first, found->second);
      return *found->second;
    }
    if (series_.size() >= max_series_) {
      if (overflow_counter_ == nullptr) {
        overflow_counter_ = &overflow_total_.Add({{"metric", metric_name_}});
      }
      overflow_counter_->Increment(static_cast<double>(observations));
      if (overflow_series_ == nullptr) {
        prometheus::Labels labels;
        for (const auto& name : label_names_) labels.emplace(name, kOverflowLabelValue);
        overflow_series_ = &add(labels);
      }
      return *overflow_series_;
    }
    prometheus::Labels labels;
    PatternCounts found{};
    std::size_t matches = 0;
    auto value = values.begin();
    for (const auto& name : label_names_) {
      std::string text;
      if (value != values.end()) {
        if (redaction_ != nullptr) {
          matches += redaction_->redactor().redact(*value, text, &found);
        } else {
          text.assign(*value);
        }
        ++value;
      }
      labels.emplace(name, std::move(text));
    }
    if (matches > 0 && !family_.Has(labels)) redaction_->count(found);
    Metric& metric = add(labels);
    auto inserted = series_.emplace(key_, &metric).first;
    remember(inserted->first, &metric);
    return metric;
  }

  // Whether `metric` is the overflow series: a caller that keeps series found by get() must not
  // keep that one, since every observation folded into it has to be counted by get().
  // The bucket boundaries every series of a histogram family has (empty for other families).
  const prometheus::Histogram::BucketBoundaries& buckets() const { return buckets_; }

  bool is_overflow(const Metric& metric) const { return &metric == overflow_series_; }

  // Series with their own label values (the overflow series is not counted).
  std::size_t size() const { return series_.size(); }
  bool overflowed() const { return overflow_series_ != nullptr; }
  const std::string& name() const { return metric_name_; }
  std::size_t max_series() const { return max_series_; }

 private:
  // Only series with their own label values are remembered, never the overflow series: every
  // folded observation must go through the slow path, which counts it.
  void remember(const std::string& key, Metric* metric) {
    // A key in series_: nodes keep their address, entries are never removed.
    recent_[next_recent_] = Recent{&key, metric};
    next_recent_ = (next_recent_ + 1) % recent_.size();
  }

  // Whether `values` joined as in get() equal `key`.
  static bool matches(std::string_view key, std::span<const std::string_view> values) {
    for (auto value : values) {
      if (key.size() <= value.size() || key[value.size()] != '\x1f' ||
          key.compare(0, value.size(), value) != 0) {
        return false;
      }
      key.remove_prefix(value.size() + 1);
    }
    return key.empty();
  }

  Metric& add(const prometheus::Labels& labels) {
    // Add() returns the existing series for labels the family has (two values that redact alike,
    // input values that all read "overflow"): that one is exposed already.
    const bool exposed_already = exposed_ != nullptr && family_.Has(labels);
    Metric* metric = nullptr;
    if constexpr (std::is_same_v<Metric, prometheus::Histogram>) {
      metric = &family_.Add(labels, buckets_);
    } else {
      metric = &family_.Add(labels);
    }
    if (exposed_ != nullptr && !exposed_already) exposed_->add(labels, *metric);
    return *metric;
  }

  prometheus::Family<Metric>& family_;
  std::string metric_name_;
  std::vector<std::string> label_names_;
  std::size_t max_series_;
  prometheus::Family<prometheus::Counter>& overflow_total_;
  prometheus::Histogram::BucketBoundaries buckets_;
  SiteRedactor* redaction_;
  ExposedSeries<Metric>* exposed_;
  std::unordered_map<std::string, Metric*, ByteHash, std::equal_to<>> series_;
  Metric* overflow_series_ = nullptr;
  prometheus::Counter* overflow_counter_ = nullptr;
  std::string key_;
  // The series last found or created (get()), replaced in turn. Eight: more than the models or
  // levels one stream usually alternates between; a miss costs eight short compares.
  struct Recent {
    const std::string* key = nullptr;  // in series_
    Metric* metric = nullptr;
  };
  std::array<Recent, 8> recent_{};
  std::size_t next_recent_ = 0;
};

using LimitedCounter = LimitedFamily<prometheus::Counter>;
using LimitedGauge = LimitedFamily<prometheus::Gauge>;
using LimitedHistogram = LimitedFamily<prometheus::Histogram>;

}  // namespace specwatch
