#include "sidecar/status/component_figures.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>

namespace specwatch {
namespace {

const std::string* label_of(const prometheus::ClientMetric& metric, std::string_view name) {
  for (const auto& label : metric.label) {
    if (label.name == name) return &label.value;
  }
  return nullptr;
}

std::int64_t value_of(const prometheus::MetricFamily& family,
                      const prometheus::ClientMetric& metric) {
  const double value =
      family.type == prometheus::MetricType::Counter ? metric.counter.value : metric.gauge.value;
  return std::llround(value);
}

void add_count(NamedCounts& counts, const std::string& name, std::int64_t count) {
  for (auto& [key, total] : counts) {
    if (key == name) {
      total += count;
      return;
    }
  }
  counts.emplace_back(name, count);
}

// The components by kind and name.
class Index {
 public:
  explicit Index(std::vector<ComponentHealth>& components) {
    for (ComponentHealth& component : components)
      by_name_[{component.kind, component.name}] = &component;
  }
  ComponentHealth* find(const std::string& kind, const std::string* name) const {
    if (name == nullptr) return nullptr;
    auto found = by_name_.find({kind, *name});
    return found == by_name_.end() ? nullptr : found->second;
  }

 private:
  std::map<std::pair<std::string, std::string>, ComponentHealth*> by_name_;
};

// The status's kind of a specwatch_component_* series' `kind` label.
std::string health_kind(const std::string* kind) {
  if (kind == nullptr) return "";
  if (*kind == "sink") return "exporter";
  if (*kind == "source") return "source";
  return "";  // stages and notifiers are not listed on the status page
}

void read_family(const Index& index, const prometheus::MetricFamily& family) {
  const std::string& name = family.name;
  for (const prometheus::ClientMetric& metric : family.metric) {
    const std::int64_t value = value_of(family, metric);
    if (name == "specwatch_component_events_total") {
      ComponentHealth* component =
          index.find(health_kind(label_of(metric, "kind")), label_of(metric, "component"));
      const std::string* outcome = label_of(metric, "outcome");
      if (component != nullptr && outcome != nullptr)
        add_count(component->outcomes, *outcome, value);
      continue;
    }
    if (name == "specwatch_component_queue_events" || name == "specwatch_component_spool_bytes") {
      if (ComponentHealth* component = index.find("exporter", label_of(metric, "component"))) {
        (name == "specwatch_component_queue_events" ? component->queue : component->spool_bytes) =
            value;
      }
      continue;
    }
    ComponentHealth* source = index.find("source", label_of(metric, "source"));
    if (source == nullptr) continue;
    if (name == "specwatch_source_files") {
      source->files = value;
    } else if (name == "specwatch_source_lag_bytes") {
      source->lag_bytes = value;
    } else if (name == "specwatch_source_events_total") {
      source->events = value;
    } else if (name == "specwatch_source_errors_total") {
      const std::string* reason = label_of(metric, "reason");
      // A reason's series exists at 0 from the start (dashboards see it); only errors count here.
      if (reason != nullptr && value != 0) add_count(source->errors, *reason, value);
    }
  }
}

// The outcomes in the order a reader follows an event: taken, delivered, lost, then the peer's.
int outcome_rank(const std::string& outcome) {
  static constexpr std::string_view kOrder[] = {
      "received", "sent", "failed", "dropped", "acknowledged", "retried", "dead_lettered"};
  for (std::size_t i = 0; i < std::size(kOrder); ++i) {
    if (kOrder[i] == outcome) return static_cast<int>(i);
  }
  return static_cast<int>(std::size(kOrder));
}

}  // namespace

void add_component_figures(std::vector<ComponentHealth>& components,
                           const std::vector<prometheus::MetricFamily>& families) {
  const Index index(components);
  for (const prometheus::MetricFamily& family : families) {
    if (family.name.rfind("specwatch_source_", 0) == 0 ||
        family.name.rfind("specwatch_component_", 0) == 0) {
      read_family(index, family);
    }
  }
  for (ComponentHealth& component : components) {
    std::sort(component.errors.begin(), component.errors.end());
    std::stable_sort(
        component.outcomes.begin(), component.outcomes.end(),
        [](const auto& a, const auto& b) { return outcome_rank(a.first) < outcome_rank(b.first); });
  }
}

}  // namespace specwatch
