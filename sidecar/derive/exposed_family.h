// One derived family as /metrics writes it straight from its series
// (sidecar/core/text_exposable.h): its name, HELP and TYPE, and for each series the label text
// escaped once when the series was created (label values never change) beside the prometheus-cpp
// series that holds the values. LimitedFamily adds each series it creates; DerivedExposition holds
// the families.
//
// What it writes is what serializing prometheus-cpp's Collect() of the same family writes
// (sidecar/observability/text_exposition.h), except the order of the series: creation order here,
// the hash order of the family's map there. A family without series writes nothing, as a collected
// one has no MetricFamily.
//
// Thread-safe: series are added on the pipeline thread while a render reads on its own.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/labels.h>

#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sidecar/core/prometheus_text.h"

namespace specwatch {

class ExposedFamily {
 public:
  ExposedFamily(std::string name, std::string help)
      : name_(std::move(name)), help_(std::move(help)) {}
  virtual ~ExposedFamily() = default;
  ExposedFamily(const ExposedFamily&) = delete;
  ExposedFamily& operator=(const ExposedFamily&) = delete;

  const std::string& name() const { return name_; }

  // Appends the HELP and TYPE lines and every series' lines; nothing while it has no series.
  virtual void append_text(std::string& out) const = 0;

 protected:
  const std::string name_;
  const std::string help_;
};

template <typename Metric>
class ExposedSeries final : public ExposedFamily {
 public:
  // `bucket_bounds`: a histogram's bounds (without +Inf); ignored for the other types.
  ExposedSeries(std::string name, std::string help,
                const prometheus::Histogram::BucketBoundaries& bucket_bounds = {})
      : ExposedFamily(std::move(name), std::move(help)) {
    if constexpr (std::is_same_v<Metric, prometheus::Histogram>) {
      // The bucket lines' le texts, spelled once for every series of the family.
      prometheus_text::NumberBuffer buffer;
      for (double bound : bucket_bounds) {
        bound_texts_.emplace_back(prometheus_text::double_text(buffer, bound));
      }
      bound_texts_.emplace_back("+Inf");
    }
  }

  // A new series of the family. `labels` is ordered by name (prometheus::Labels is a map), the
  // order in which the text format writer of prometheus-cpp writes them. `metric` must outlive
  // this (the family's series are never removed).
  void add(const prometheus::Labels& labels, const Metric& metric) {
    std::string text;
    for (const auto& [label, value] : labels) prometheus_text::append_label(text, label, value);
    std::lock_guard lock(mutex_);
    series_.push_back(Series{std::move(text), &metric});
  }

  void append_text(std::string& out) const override {
    std::lock_guard lock(mutex_);
    if (series_.empty()) return;
    prometheus_text::append_family_header(out, name_, help_, type_name());
    prometheus_text::NumberBuffer number;
    for (const Series& series : series_) {
      const prometheus_text::SeriesText text{name_, series.labels};
      if constexpr (std::is_same_v<Metric, prometheus::Histogram>) {
        prometheus_text::append_histogram(out, text, series.metric->Collect().histogram,
                                          bound_texts_);
      } else {
        prometheus_text::append_sample(
            out, text, "", prometheus_text::double_text(number, series.metric->Value()));
      }
    }
  }

 private:
  static constexpr std::string_view type_name() {
    if constexpr (std::is_same_v<Metric, prometheus::Counter>) {
      return "counter";
    } else if constexpr (std::is_same_v<Metric, prometheus::Gauge>) {
      return "gauge";
    } else {
      static_assert(std::is_same_v<Metric, prometheus::Histogram>);
      return "histogram";
    }
  }

  struct Series {
    std::string labels;  // escaped, `a="x",b="y"`
    const Metric* metric;
  };

  mutable std::mutex mutex_;
  std::vector<Series> series_;
  std::vector<std::string> bound_texts_;  // histograms: each bucket's le, "+Inf" last
};

}  // namespace specwatch
