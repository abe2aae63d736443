// Pushed OTLP metrics held in memory and re-exposed on /metrics under Prometheus names.
//
// Receiver threads call ingest() with decoded export requests; the /metrics handler collects the
// store beside the registry (Collect() renders MetricFamily objects). One mutex guards the state:
// ingest() holds it for one request, Collect() while it copies the families out.
//
// Rules (docs/OTLP_METRICS.md has them with their reasons):
// - names and units: prometheus_names.h; attribute keys sanitized, colliding keys' values joined
//   with ";" in the order of the original keys; resource attributes service.name,
//   service.namespace and service.instance.id become the labels service_name, service_namespace
//   and service_instance_id (a point attribute of the same label name becomes exported_<name>,
//   as do point attributes named `le` on histograms and `quantile` on summaries).
// - temporality: cumulative points (and gauges, summaries) replace the held value, so a reset is
//   taken as it comes; delta points are added into a cumulative series (histogram bucket bounds
//   must match, otherwise the point is dropped: bucket_mismatch).
// - exponential histograms become classic histograms (negative buckets, the zero bucket at
//   le=zero_threshold, positive buckets at le=base^(index+1)); delta ones are merged at the
//   coarser of the two scales.
// - a series not updated for `expire_after` disappears; new series past max_series_per_metric or
//   max_series_total are dropped (series_limit).
// - a translated name the registry already exposes (is_reserved) is renamed otlp_<name> or the
//   metric is dropped (name_clash), per on_name_clash; Collect() also leaves out any family whose
//   name became reserved after it was created, so /metrics never holds two families of one name.
// - label values come from the sender: with a SiteRedactor, a new series has its values redacted
//   (sidecar/redact) and is keyed by the redacted values, so two inputs that redact alike share
//   one series; each match is counted once per series created
//   (specwatch_redactions_total{site="label"}). A point whose values need redaction is redacted
//   again on every point (clean values cost one scan when their series is created, none after).
// Every point not shown is counted in specwatch_otlp_metric_points_dropped_total{reason}.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sidecar/otlp_metrics/otlp_metric_model.h"
#include "sidecar/otlp_metrics/otlp_metrics_config.h"
#include "sidecar/otlp_metrics/prometheus_names.h"
#include "sidecar/redact/redaction_metrics.h"

namespace specwatch {

enum class OtlpDropReason {
  kUnsupportedType,  // a metric with no data of a known kind
  kInvalidName,      // nothing left of the name after sanitizing
  kInvalidData,      // unspecified temporality, bucket counts not matching bounds or count, scale
  kBucketMismatch,   // a delta histogram point whose buckets differ from the series' buckets
  kTypeConflict,     // the name is held by a family of another kind
  kNameClash,        // the name is exposed by specwatch itself (on_name_clash: drop, or renamed
                     // name also taken)
  kSeriesLimit,      // a new series past max_series_per_metric or max_series_total
};
inline constexpr std::size_t kOtlpDropReasonCount = 7;
std::string_view to_string(OtlpDropReason reason);

// True when the registry already exposes a family of this name. Called from receiver threads and
// from the /metrics thread, without the store's lock held; must not call into the store.
using ReservedNames = std::function<bool(const std::string& family_name)>;
using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

struct OtlpIngestResult {
  std::uint64_t accepted_points = 0;
  std::uint64_t rejected_points = 0;  // for the OTLP partial_success answer
};

inline constexpr std::string_view kOtlpRenamePrefix = "otlp_";
inline constexpr std::string_view kPointsDroppedMetric =
    "specwatch_otlp_metric_points_dropped_total";
inline constexpr std::string_view kSeriesMetric = "specwatch_otlp_metric_series";

class OtlpMetricsStore : public prometheus::Collectable {
 public:
  explicit OtlpMetricsStore(
      OtlpMetricsConfig config = {}, ReservedNames is_reserved = {},
      SteadyClock clock = [] { return std::chrono::steady_clock::now(); },
      std::shared_ptr<SiteRedactor> redaction = nullptr);

  OtlpIngestResult ingest(const otlp_model::MetricsBatch& batch);

  // The pushed families (sorted by name, series sorted by labels), then
  // specwatch_otlp_metric_points_dropped_total{reason} (every reason) and
  // specwatch_otlp_metric_series. Expired series are removed first.
  std::vector<prometheus::MetricFamily> Collect() const override;

  // New limits apply to series created from now on; a new expire_after at the next sweep.
  void reconfigure(const OtlpMetricsConfig& config);

  std::size_t series_count() const;
  std::uint64_t dropped_points(OtlpDropReason reason) const;

 private:
  enum class FamilyKind { kGauge, kCounter, kHistogram, kExponentialHistogram, kSummary };

  struct ExplicitState {
    std::vector<double> bounds;
    std::vector<std::uint64_t> counts;  // per bucket, bounds.size() + 1 (empty: none sent)
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct ExponentialState {
    std::int32_t scale = 0;
    double zero_threshold = 0;
    std::uint64_t zero_count = 0;
    std::map<std::int32_t, std::uint64_t> positive;
    std::map<std::int32_t, std::uint64_t> negative;
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct SummaryState {
    std::uint64_t count = 0;
    double sum = 0;
    std::vector<otlp_model::Quantile> quantiles;
  };
  using Value = std::variant<double, ExplicitState, ExponentialState, SummaryState>;

  struct Series {
    std::vector<prometheus::ClientMetric::Label> labels;
    Value value;
    std::chrono::steady_clock::time_point updated;
  };
  struct Family {
    std::string help;
    FamilyKind kind = FamilyKind::kGauge;
    std::map<std::string, Series> series;  // key: labels joined
  };

  // Where one metric of a request goes (decided before the lock: is_reserved is called there).
  struct Route {
    std::string name;  // empty: dropped with `reason`
    OtlpDropReason reason = OtlpDropReason::kInvalidName;
  };
  Route route(const otlp_model::Metric& metric, NameClashPolicy policy) const;

  void ingest_metric_locked(const otlp_model::Metric& metric, const Route& route,
                            const std::vector<prometheus::ClientMetric::Label>& resource_labels,
                            std::chrono::steady_clock::time_point now, OtlpIngestResult& result);
  // The series of `key` (the joined labels) unless absent or expired (then removed).
  Series* find_fresh_locked(std::map<std::string, Series>& series, const std::string& key,
                            std::chrono::steady_clock::time_point now);
  // The series for `labels`, created if there is room; nullptr past a limit (counted).
  Series* find_or_create_locked(const std::string& name, FamilyKind kind, const std::string& help,
                                std::vector<prometheus::ClientMetric::Label> labels,
                                std::chrono::steady_clock::time_point now);
  void drop_locked(OtlpDropReason reason, std::uint64_t points, OtlpIngestResult& result) const;
  void expire_locked(std::chrono::steady_clock::time_point now) const;

  static void render(const Family& family, const std::string& name, prometheus::MetricFamily& out);

  SteadyClock clock_;
  ReservedNames is_reserved_;
  std::shared_ptr<SiteRedactor> redaction_;  // null: label values taken as they are
  mutable std::mutex mutex_;
  OtlpMetricsConfig config_;
  // Mutable: Collect() is const but removes expired series.
  mutable std::map<std::string, Family> families_;
  mutable std::size_t total_series_ = 0;
  mutable std::array<std::uint64_t, kOtlpDropReasonCount> dropped_{};
  mutable std::chrono::steady_clock::time_point next_sweep_{};
};

}  // namespace specwatch
