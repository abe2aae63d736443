// specwatch_alerts{alertname, alertstate, <alert labels>} 1 for every pending or firing alert of
// the in-sidecar rules: Prometheus' ALERTS under the sidecar's own name, served on /metrics.
#pragma once

#include <prometheus/collectable.h>

#include <functional>
#include <memory>

#include "sidecar/rules/rules_snapshot.h"

namespace specwatch::rules {

std::shared_ptr<prometheus::Collectable> make_alerts_metric(
    std::function<std::shared_ptr<const RulesSnapshot>()> read);

}  // namespace specwatch::rules
