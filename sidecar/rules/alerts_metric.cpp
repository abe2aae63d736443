#include "sidecar/rules/alerts_metric.h"

#include <prometheus/metric_family.h>

namespace specwatch::rules {
namespace {

class AlertsMetric : public prometheus::Collectable {
 public:
  explicit AlertsMetric(std::function<std::shared_ptr<const RulesSnapshot>()> read)
      : read_(std::move(read)) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    prometheus::MetricFamily family;
    family.name = "specwatch_alerts";
    family.help = "Pending and firing alerts of the rules the sidecar evaluates, like ALERTS.";
    family.type = prometheus::MetricType::Gauge;
    std::shared_ptr<const RulesSnapshot> snapshot = read_();
    for (const auto& group : snapshot->groups) {
      for (const auto& rule : group.rules) {
        for (const auto& alert : rule.alerts) {
          if (alert.state != "pending" && alert.state != "firing") continue;
          prometheus::ClientMetric metric;
          // The alert's labels are sorted by name; alertstate goes in its place.
          bool state_written = false;
          for (const auto& [name, value] : alert.labels) {
            if (!state_written && name > "alertstate") {
              metric.label.push_back({"alertstate", alert.state});
              state_written = true;
            }
            metric.label.push_back({name, value});
          }
          if (!state_written) metric.label.push_back({"alertstate", alert.state});
          metric.gauge.value = 1.0;
          family.metric.push_back(std::move(metric));
        }
      }
    }
    return {std::move(family)};
  }

 private:
  std::function<std::shared_ptr<const RulesSnapshot>()> read_;
};

}  // namespace

std::shared_ptr<prometheus::Collectable> make_alerts_metric(
    std::function<std::shared_ptr<const RulesSnapshot>()> read) {
  return std::make_shared<AlertsMetric>(std::move(read));
}

}  // namespace specwatch::rules
