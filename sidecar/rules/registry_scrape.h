// Turns collected prometheus-cpp families into samples the way a Prometheus scrape of /metrics
// would: histogram and summary families become their _bucket/_sum/_count (and quantile) series,
// the target's `job` and `instance` labels are attached (a series' own job/instance become
// exported_job/exported_instance, as with honor_labels: false), and a series that is no longer
// collected gets a stale marker. So the bundled rules, written against what Prometheus scrapes
// from the sidecar, read the same series in the sidecar.
#pragma once

#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <set>
#include <span>
#include <string>
#include <unordered_set>

#include "sidecar/rules/labels.h"
#include "sidecar/rules/series_source.h"

namespace specwatch::rules {

class RegistryScrape {
 public:
  // `target`: the job and instance labels every series gets.
  explicit RegistryScrape(Labels target) : target_(std::move(target)) {}

  // Appends one sample per series at `now` and a stale marker for each series of the last
  // scrape that is gone. Returns the number of series written.
  size_t scrape(std::span<const prometheus::MetricFamily> families, Timestamp now,
                SampleAppender& out);

  // Every metric name seen in any scrape so far (family names with their suffixes), for the
  // classification of rules as in-sidecar or Prometheus-only.
  const std::set<std::string, std::less<>>& names() const { return names_; }

 private:
  Labels target_;
  std::unordered_set<Labels, LabelsHash> previous_;
  std::set<std::string, std::less<>> names_;
};

// True when `registry` has a family that a series called `name` belongs to (name itself, or the
// histogram/summary it is a _bucket, _sum or _count of), even one without any series yet
// (prometheus-cpp collects no empty family, so scraping cannot tell). It asks by registering a
// probe family of that name, which the registry refuses when the name is taken, and removes it.
bool registry_has_family(prometheus::Registry& registry, std::string_view name);

// The metric names a family is scraped as (name, or name_bucket/_sum/_count, ...).
std::vector<std::string> scraped_names(const prometheus::MetricFamily& family);

}  // namespace specwatch::rules
