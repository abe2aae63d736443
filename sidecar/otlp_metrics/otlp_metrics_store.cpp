#include "sidecar/otlp_metrics/otlp_metrics_store.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>

#include "sidecar/otlp_metrics/exponential_buckets.h"

namespace specwatch {
namespace {

using Label = prometheus::ClientMetric::Label;
using Labels = std::vector<Label>;
using otlp_model::Temporality;

constexpr std::array<std::string_view, kOtlpDropReasonCount> kReasonNames{
    "unsupported_type", "invalid_name", "invalid_data", "bucket_mismatch",
    "type_conflict",    "name_clash",   "series_limit"};

// Resource attributes that identify the pushing service, and the labels they become.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kResourceLabels{{
    {"service.name", "service_name"},
    {"service.namespace", "service_namespace"},
    {"service.instance.id", "service_instance_id"},
}};

// A full sweep of expired series at most this often from ingest() (every Collect() sweeps).
constexpr std::chrono::seconds kIngestSweepInterval{1};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Labels resource_labels(const otlp_model::Attributes& attributes) {
  Labels out;
  for (const auto& [key, label] : kResourceLabels) {
    for (const auto& attribute : attributes) {
      if (attribute.key == key && !attribute.value.empty()) {
        out.push_back({std::string(label), attribute.value});
        break;
      }
    }
  }
  return out;
}

bool has_label(const Labels& labels, const std::string& name) {
  return std::any_of(labels.begin(), labels.end(),
                     [&](const Label& label) { return label.name == name; });
}

// Point attributes as labels, joined with the resource labels and sorted by name. `reserved` is
// the label the family's type writes itself (le, quantile) or empty.
Labels point_labels(const otlp_model::Attributes& attributes, const Labels& resource,
                    std::string_view reserved) {
  // sanitized key → (original key, value), to join colliding keys in the order of the originals.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_name;
  for (const auto& attribute : attributes) {
    if (attribute.value.empty()) continue;  // Prometheus treats an empty label as absent
    std::string name = sanitize_label_name(attribute.key);
    if (name.empty()) continue;
    if (name == reserved || has_label(resource, name)) name = "exported_" + name;
    by_name[name].emplace_back(attribute.key, attribute.value);
  }
  Labels out = resource;
  for (auto& [name, values] : by_name) {
    std::sort(values.begin(), values.end());
    std::string joined;
    for (const auto& [key, value] : values) {
      if (!joined.empty()) joined.push_back(';');
      joined += value;
    }
    out.push_back({name, std::move(joined)});
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string series_key(const Labels& labels) {
  std::string key;
  for (const auto& label : labels) {
    key += label.name;
    key.push_back('\x1f');
    key += label.value;
    key.push_back('\x1e');
  }
  return key;
}

PromKind prom_kind(const otlp_model::MetricData& data) {
  if (const auto* sum = std::get_if<otlp_model::Sum>(&data)) {
    return sum->monotonic ? PromKind::kCounter : PromKind::kUpDown;
  }
  if (std::holds_alternative<otlp_model::Histogram>(data) ||
      std::holds_alternative<otlp_model::ExponentialHistogram>(data)) {
    return PromKind::kHistogram;
  }
  if (std::holds_alternative<otlp_model::Summary>(data)) return PromKind::kSummary;
  return PromKind::kGauge;
}

std::uint64_t point_count(const otlp_model::MetricData& data) {
  return std::visit(
      [](const auto& kind) -> std::uint64_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(kind)>, std::monostate>) {
          return 1;  // a metric of unknown kind: counted as one point
        } else {
          return kind.points.size();
        }
      },
      data);
}

bool valid_explicit(const otlp_model::HistogramPoint& point) {
  if (point.bucket_counts.empty()) return point.explicit_bounds.empty();
  if (point.bucket_counts.size() != point.explicit_bounds.size() + 1) return false;
  for (std::size_t i = 0; i < point.explicit_bounds.size(); ++i) {
    if (!std::isfinite(point.explicit_bounds[i])) return false;
    if (i > 0 && !(point.explicit_bounds[i - 1] < point.explicit_bounds[i])) return false;
  }
  std::uint64_t total = 0;
  for (auto count : point.bucket_counts) total += count;
  return total == point.count;
}

bool valid_exponential(const otlp_model::ExponentialHistogramPoint& point) {
  if (point.scale < kMinExponentialScale || point.scale > kMaxExponentialScale) return false;
  if (!(point.zero_threshold >= 0) || !std::isfinite(point.zero_threshold)) return false;
  std::uint64_t total = point.zero_count;
  for (auto count : point.positive.bucket_counts) total += count;
  for (auto count : point.negative.bucket_counts) total += count;
  return total == point.count;
}

void add_buckets(std::map<std::int32_t, std::uint64_t>& into,
                 const otlp_model::ExponentialBuckets& from, std::int32_t shift) {
  for (std::size_t i = 0; i < from.bucket_counts.size(); ++i) {
    if (from.bucket_counts[i] == 0) continue;
    const std::int64_t index =
        static_cast<std::int64_t>(from.offset) + static_cast<std::int64_t>(i);
    into[static_cast<std::int32_t>(index >> shift)] += from.bucket_counts[i];
  }
}

std::map<std::int32_t, std::uint64_t> downscale(const std::map<std::int32_t, std::uint64_t>& in,
                                                std::int32_t shift) {
  std::map<std::int32_t, std::uint64_t> out;
  for (const auto& [index, count] : in) out[index >> shift] += count;
  return out;
}

}  // namespace

std::string_view to_string(OtlpDropReason reason) {
  return kReasonNames[static_cast<std::size_t>(reason)];
}

OtlpMetricsStore::OtlpMetricsStore(OtlpMetricsConfig config, ReservedNames is_reserved,
                                   SteadyClock clock, std::shared_ptr<SiteRedactor> redaction)
    : clock_(std::move(clock)),
      is_reserved_(std::move(is_reserved)),
      redaction_(std::move(redaction)),
      config_(config) {}

void OtlpMetricsStore::reconfigure(const OtlpMetricsConfig& config) {
  std::lock_guard lock(mutex_);
  config_ = config;
  next_sweep_ = {};
}

std::size_t OtlpMetricsStore::series_count() const {
  std::lock_guard lock(mutex_);
  return total_series_;
}

std::uint64_t OtlpMetricsStore::dropped_points(OtlpDropReason reason) const {
  std::lock_guard lock(mutex_);
  return dropped_[static_cast<std::size_t>(reason)];
}

OtlpMetricsStore::Route OtlpMetricsStore::route(const otlp_model::Metric& metric,
                                                NameClashPolicy policy) const {
  if (std::holds_alternative<std::monostate>(metric.data)) {
    return {"", OtlpDropReason::kUnsupportedType};
  }
  std::string name = prometheus_metric_name(metric.name, metric.unit, prom_kind(metric.data));
  if (name.empty()) return {"", OtlpDropReason::kInvalidName};
  auto taken = [this](const std::string& candidate) {
    return candidate == kPointsDroppedMetric || candidate == kSeriesMetric ||
           (is_reserved_ && is_reserved_(candidate));
  };
  if (!taken(name)) return {std::move(name), {}};
  if (policy == NameClashPolicy::kDrop) return {"", OtlpDropReason::kNameClash};
  std::string renamed = std::string(kOtlpRenamePrefix) + name;
  if (taken(renamed)) return {"", OtlpDropReason::kNameClash};
  return {std::move(renamed), {}};
}

OtlpIngestResult OtlpMetricsStore::ingest(const otlp_model::MetricsBatch& batch) {
  // Names are decided first, without the lock: is_reserved may take the registry's locks.
  std::vector<Route> routes;
  {
    NameClashPolicy policy;
    {
      std::lock_guard lock(mutex_);
      policy = config_.on_name_clash;
    }
    for (const auto& resource : batch.resource_metrics) {
      for (const auto& scope : resource.scope_metrics) {
        for (const auto& metric : scope.metrics) routes.push_back(route(metric, policy));
      }
    }
  }
  OtlpIngestResult result;
  std::lock_guard lock(mutex_);
  const auto now = clock_();
  if (now >= next_sweep_) {
    expire_locked(now);
    next_sweep_ = now + kIngestSweepInterval;
  }
  std::size_t next_route = 0;
  for (const auto& resource : batch.resource_metrics) {
    const Labels resource_set = resource_labels(resource.resource_attributes);
    for (const auto& scope : resource.scope_metrics) {
      for (const auto& metric : scope.metrics) {
        ingest_metric_locked(metric, routes[next_route++], resource_set, now, result);
      }
    }
  }
  return result;
}

void OtlpMetricsStore::drop_locked(OtlpDropReason reason, std::uint64_t points,
                                   OtlpIngestResult& result) const {
  dropped_[static_cast<std::size_t>(reason)] += points;
  result.rejected_points += points;
}

OtlpMetricsStore::Series* OtlpMetricsStore::find_fresh_locked(
    std::map<std::string, Series>& series, const std::string& key,
    std::chrono::steady_clock::time_point now) {
  auto found = series.find(key);
  if (found == series.end()) return nullptr;
  if (now - found->second.updated < config_.expire_after) return &found->second;
  // Expired but not swept yet: it starts again like a new series.
  series.erase(found);
  --total_series_;
  return nullptr;
}

OtlpMetricsStore::Series* OtlpMetricsStore::find_or_create_locked(
    const std::string& name, FamilyKind kind, const std::string& help, Labels labels,
    std::chrono::steady_clock::time_point now) {
  std::string key = series_key(labels);
  auto family_it = families_.find(name);
  if (family_it != families_.end()) {
    if (Series* found = find_fresh_locked(family_it->second.series, key, now)) return found;
  }
  // Not known under the sender's own values: new, or held under redacted values.
  PatternCounts redactions{};
  std::size_t matches = 0;
  if (redaction_ != nullptr) {
    for (Label& label : labels) {
      std::string redacted;
      const std::size_t n = redaction_->redactor().redact(label.value, redacted, &redactions);
      if (n > 0) label.value = std::move(redacted);
      matches += n;
    }
  }
  if (matches > 0) {
    key = series_key(labels);
    if (family_it != families_.end()) {
      if (Series* found = find_fresh_locked(family_it->second.series, key, now)) return found;
    }
  }
  if (family_it != families_.end() &&
      family_it->second.series.size() >= config_.max_series_per_metric) {
    return nullptr;
  }
  if (total_series_ >= config_.max_series_total) return nullptr;
  if (family_it == families_.end()) {
    family_it = families_.emplace(name, Family{help, kind, {}}).first;
  } else if (family_it->second.help.empty()) {
    family_it->second.help = help;
  }
  if (matches > 0) redaction_->count(redactions);
  ++total_series_;
  Series& created = family_it->second.series[key];
  created.labels = std::move(labels);
  created.updated = now;
  return &created;
}

void OtlpMetricsStore::ingest_metric_locked(const otlp_model::Metric& metric, const Route& route,
                                            const Labels& resource,
                                            std::chrono::steady_clock::time_point now,
                                            OtlpIngestResult& result) {
  const std::uint64_t points = point_count(metric.data);
  if (route.name.empty()) return drop_locked(route.reason, points, result);

  FamilyKind kind = FamilyKind::kGauge;
  std::string_view reserved_label;
  if (const auto* sum = std::get_if<otlp_model::Sum>(&metric.data); sum && sum->monotonic) {
    kind = FamilyKind::kCounter;
  } else if (std::holds_alternative<otlp_model::Histogram>(metric.data)) {
    kind = FamilyKind::kHistogram;
    reserved_label = "le";
  } else if (std::holds_alternative<otlp_model::ExponentialHistogram>(metric.data)) {
    kind = FamilyKind::kExponentialHistogram;
    reserved_label = "le";
  } else if (std::holds_alternative<otlp_model::Summary>(metric.data)) {
    kind = FamilyKind::kSummary;
    reserved_label = "quantile";
  }
  if (auto found = families_.find(route.name);
      found != families_.end() && found->second.kind != kind) {
    return drop_locked(OtlpDropReason::kTypeConflict, points, result);
  }

  // Applies one point: validates it, finds its series, updates the value.
  auto apply = [&](const otlp_model::Attributes& attributes, bool valid, auto&& update) {
    if (!valid) return drop_locked(OtlpDropReason::kInvalidData, 1, result);
    Series* series = find_or_create_locked(route.name, kind, metric.description,
                                           point_labels(attributes, resource, reserved_label), now);
    if (series == nullptr) return drop_locked(OtlpDropReason::kSeriesLimit, 1, result);
    if (!update(*series)) return drop_locked(OtlpDropReason::kBucketMismatch, 1, result);
    series->updated = now;
    ++result.accepted_points;
  };

  if (const auto* gauge = std::get_if<otlp_model::Gauge>(&metric.data)) {
    for (const auto& point : gauge->points) {
      apply(point.attributes, true, [&](Series& series) {
        series.value = point.value;
        return true;
      });
    }
  } else if (const auto* sum = std::get_if<otlp_model::Sum>(&metric.data)) {
    const bool delta = sum->temporality == Temporality::kDelta;
    const bool valid = sum->temporality != Temporality::kUnspecified;
    for (const auto& point : sum->points) {
      apply(point.attributes, valid, [&](Series& series) {
        double* held = std::get_if<double>(&series.value);
        series.value = delta && held ? *held + point.value : point.value;
        return true;
      });
    }
  } else if (const auto* histogram = std::get_if<otlp_model::Histogram>(&metric.data)) {
    const bool delta = histogram->temporality == Temporality::kDelta;
    const bool known = histogram->temporality != Temporality::kUnspecified;
    for (const auto& point : histogram->points) {
      apply(point.attributes, known && valid_explicit(point), [&](Series& series) {
        auto* held = std::get_if<ExplicitState>(&series.value);
        if (!delta || held == nullptr) {
          series.value = ExplicitState{point.explicit_bounds, point.bucket_counts, point.count,
                                       point.sum.value_or(kNaN)};
          return true;
        }
        if (held->bounds != point.explicit_bounds ||
            held->counts.size() != point.bucket_counts.size()) {
          return false;
        }
        for (std::size_t i = 0; i < held->counts.size(); ++i) {
          held->counts[i] += point.bucket_counts[i];
        }
        held->count += point.count;
        held->sum += point.sum.value_or(kNaN);
        return true;
      });
    }
  } else if (const auto* exponential =
                 std::get_if<otlp_model::ExponentialHistogram>(&metric.data)) {
    const bool delta = exponential->temporality == Temporality::kDelta;
    const bool known = exponential->temporality != Temporality::kUnspecified;
    for (const auto& point : exponential->points) {
      apply(point.attributes, known && valid_exponential(point), [&](Series& series) {
        auto* held = std::get_if<ExponentialState>(&series.value);
        if (!delta || held == nullptr) {
          ExponentialState state;
          state.scale = point.scale;
          state.zero_threshold = point.zero_threshold;
          state.zero_count = point.zero_count;
          add_buckets(state.positive, point.positive, 0);
          add_buckets(state.negative, point.negative, 0);
          state.count = point.count;
          state.sum = point.sum.value_or(kNaN);
          series.value = std::move(state);
          return true;
        }
        if (held->zero_threshold != point.zero_threshold) return false;
        // Merged at the coarser scale: finer buckets fold exactly into coarser ones.
        if (point.scale < held->scale) {
          const std::int32_t shift = held->scale - point.scale;
          held->positive = downscale(held->positive, shift);
          held->negative = downscale(held->negative, shift);
          held->scale = point.scale;
        }
        const std::int32_t shift = point.scale - held->scale;
        add_buckets(held->positive, point.positive, shift);
        add_buckets(held->negative, point.negative, shift);
        held->zero_count += point.zero_count;
        held->count += point.count;
        held->sum += point.sum.value_or(kNaN);
        return true;
      });
    }
  } else if (const auto* summary = std::get_if<otlp_model::Summary>(&metric.data)) {
    for (const auto& point : summary->points) {
      apply(point.attributes, true, [&](Series& series) {
        series.value = SummaryState{point.count, point.sum, point.quantiles};
        return true;
      });
    }
  }
}

void OtlpMetricsStore::expire_locked(std::chrono::steady_clock::time_point now) const {
  for (auto family = families_.begin(); family != families_.end();) {
    auto& series = family->second.series;
    for (auto it = series.begin(); it != series.end();) {
      if (now - it->second.updated >= config_.expire_after) {
        it = series.erase(it);
        --total_series_;
      } else {
        ++it;
      }
    }
    family = series.empty() ? families_.erase(family) : std::next(family);
  }
}

void OtlpMetricsStore::render(const Family& family, const std::string& name,
                              prometheus::MetricFamily& out) {
  out.name = name;
  out.help = family.help;
  switch (family.kind) {
    case FamilyKind::kGauge:
      out.type = prometheus::MetricType::Gauge;
      break;
    case FamilyKind::kCounter:
      out.type = prometheus::MetricType::Counter;
      break;
    case FamilyKind::kHistogram:
    case FamilyKind::kExponentialHistogram:
      out.type = prometheus::MetricType::Histogram;
      break;
    case FamilyKind::kSummary:
      out.type = prometheus::MetricType::Summary;
      break;
  }
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (const auto& [key, series] : family.series) {
    prometheus::ClientMetric metric;
    metric.label = series.labels;
    if (const auto* value = std::get_if<double>(&series.value)) {
      if (family.kind == FamilyKind::kCounter) {
        metric.counter.value = *value;
      } else {
        metric.gauge.value = *value;
      }
    } else if (const auto* state = std::get_if<ExplicitState>(&series.value)) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < state->bounds.size(); ++i) {
        cumulative += state->counts[i];
        metric.histogram.bucket.push_back({cumulative, state->bounds[i]});
      }
      metric.histogram.bucket.push_back({state->count, kInf});
      metric.histogram.sample_count = state->count;
      metric.histogram.sample_sum = state->sum;
    } else if (const auto* state = std::get_if<ExponentialState>(&series.value)) {
      const auto buckets = exponential_to_explicit(
          state->scale, state->zero_threshold, state->zero_count, state->positive, state->negative);
      std::uint64_t cumulative = 0;
      for (const auto& [bound, count] : buckets) {
        cumulative += count;
        metric.histogram.bucket.push_back({cumulative, bound});
      }
      metric.histogram.bucket.push_back({state->count, kInf});
      metric.histogram.sample_count = state->count;
      metric.histogram.sample_sum = state->sum;
    } else if (const auto* state = std::get_if<SummaryState>(&series.value)) {
      metric.summary.sample_count = state->count;
      metric.summary.sample_sum = state->sum;
      for (const auto& quantile : state->quantiles) {
        metric.summary.quantile.push_back({quantile.quantile, quantile.value});
      }
    }
    out.metric.push_back(std::move(metric));
  }
}

std::vector<prometheus::MetricFamily> OtlpMetricsStore::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  std::array<std::uint64_t, kOtlpDropReasonCount> dropped{};
  std::size_t total = 0;
  {
    std::lock_guard lock(mutex_);
    expire_locked(clock_());
    out.reserve(families_.size() + 2);
    for (const auto& [name, family] : families_) {
      render(family, name, out.emplace_back());
    }
    dropped = dropped_;
    total = total_series_;
  }
  // A family whose name the registry started exposing after it was created here: leaving it out
  // keeps the scrape valid (two families of one name are rejected); it expires unless renamed
  // points keep coming (they do: route() renames from now on).
  if (is_reserved_) {
    std::erase_if(
        out, [this](const prometheus::MetricFamily& family) { return is_reserved_(family.name); });
  }
  prometheus::MetricFamily& drops = out.emplace_back();
  drops.name = kPointsDroppedMetric;
  drops.help = "OTLP metric data points not shown on /metrics, by reason.";
  drops.type = prometheus::MetricType::Counter;
  for (std::size_t i = 0; i < kOtlpDropReasonCount; ++i) {
    prometheus::ClientMetric metric;
    metric.label.push_back({"reason", std::string(kReasonNames[i])});
    metric.counter.value = static_cast<double>(dropped[i]);
    drops.metric.push_back(std::move(metric));
  }
  prometheus::MetricFamily& series = out.emplace_back();
  series.name = kSeriesMetric;
  series.help = "Series of pushed OTLP metrics held for /metrics.";
  series.type = prometheus::MetricType::Gauge;
  prometheus::ClientMetric metric;
  metric.gauge.value = static_cast<double>(total);
  series.metric.push_back(std::move(metric));
  return out;
}

}  // namespace specwatch
