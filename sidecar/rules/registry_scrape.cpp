#include "sidecar/rules/registry_scrape.h"

#include <prometheus/gauge.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace specwatch::rules {
namespace {

// A bucket bound or quantile as the text exposition writes it (printf "%.16g", +Inf), so that
// `le` values equal those Prometheus scrapes from /metrics.
std::string bound_text(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char buffer[32];
  auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 16);
  return std::string(buffer, result.ptr);
}

class SeriesWriter {
 public:
  SeriesWriter(const Labels& target, Timestamp now, SampleAppender& out,
               std::unordered_set<Labels, LabelsHash>& current)
      : target_(target), now_(now), out_(out), current_(current) {}

  void write(const std::string& name, const prometheus::ClientMetric& metric, double value,
             const char* extra_name = nullptr, const std::string& extra_value = {}) {
    std::vector<Label> items;
    items.reserve(metric.label.size() + target_.size() + 2);
    for (const auto& l : metric.label) {
      // A series' own job/instance yield to the target's, as a scrape without honor_labels does.
      bool taken = target_.has(l.name);
      items.push_back(Label{taken ? "exported_" + l.name : l.name, l.value});
    }
    for (const auto& l : target_.items()) items.push_back(l);
    items.push_back(Label{std::string(kMetricNameLabel), name});
    if (extra_name != nullptr) items.push_back(Label{extra_name, extra_value});
    Labels labels(std::move(items));
    out_.append(labels, now_, value);
    current_.insert(std::move(labels));
    ++written_;
  }
  size_t written() const { return written_; }

 private:
  const Labels& target_;
  Timestamp now_;
  SampleAppender& out_;
  std::unordered_set<Labels, LabelsHash>& current_;
  size_t written_ = 0;
};

}  // namespace

bool registry_has_family(prometheus::Registry& registry, std::string_view name) {
  auto taken = [&registry](std::string_view family) {
    try {
      auto& probe = prometheus::BuildGauge()
                        .Name(std::string(family))
                        .Help("probe")
                        .Labels({{"specwatch_probe", "1"}})
                        .Register(registry);
      registry.Remove(probe);
      return false;
    } catch (const std::invalid_argument&) {
      return true;
    }
  };
  if (taken(name)) return true;
  for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
    if (name.ends_with(suffix) && taken(name.substr(0, name.size() - suffix.size()))) return true;
  }
  return false;
}

std::vector<std::string> scraped_names(const prometheus::MetricFamily& family) {
  switch (family.type) {
    case prometheus::MetricType::Histogram:
      return {family.name + "_bucket", family.name + "_sum", family.name + "_count"};
    case prometheus::MetricType::Summary:
      return {family.name, family.name + "_sum", family.name + "_count"};
    default:
      return {family.name};
  }
}

size_t RegistryScrape::scrape(std::span<const prometheus::MetricFamily> families, Timestamp now,
                              SampleAppender& out) {
  std::unordered_set<Labels, LabelsHash> current;
  current.reserve(previous_.size());
  SeriesWriter writer(target_, now, out, current);
  for (const auto& family : families) {
    for (auto& name : scraped_names(family)) {
      if (!names_.contains(name)) names_.insert(std::move(name));
    }
    for (const auto& metric : family.metric) {
      switch (family.type) {
        case prometheus::MetricType::Counter:
          writer.write(family.name, metric, metric.counter.value);
          break;
        case prometheus::MetricType::Gauge:
          writer.write(family.name, metric, metric.gauge.value);
          break;
        case prometheus::MetricType::Untyped:
          writer.write(family.name, metric, metric.untyped.value);
          break;
        case prometheus::MetricType::Histogram: {
          const auto& h = metric.histogram;
          writer.write(family.name + "_count", metric, static_cast<double>(h.sample_count));
          writer.write(family.name + "_sum", metric, h.sample_sum);
          bool has_inf = false;
          for (const auto& b : h.bucket) {
            has_inf = has_inf || std::isinf(b.upper_bound);
            writer.write(family.name + "_bucket", metric, static_cast<double>(b.cumulative_count),
                         "le", bound_text(b.upper_bound));
          }
          if (!has_inf) {
            writer.write(family.name + "_bucket", metric, static_cast<double>(h.sample_count), "le",
                         "+Inf");
          }
          break;
        }
        case prometheus::MetricType::Summary: {
          const auto& s = metric.summary;
          writer.write(family.name + "_count", metric, static_cast<double>(s.sample_count));
          writer.write(family.name + "_sum", metric, s.sample_sum);
          for (const auto& q : s.quantile) {
            writer.write(family.name, metric, q.value, "quantile", bound_text(q.quantile));
          }
          break;
        }
      }
    }
  }
  for (const auto& labels : previous_) {
    if (!current.contains(labels)) out.append(labels, now, stale_nan());
  }
  previous_ = std::move(current);
  return writer.written();
}

}  // namespace specwatch::rules
