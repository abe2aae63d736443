// Prints a /metrics page as the daemon renders it (metrics_page.h): the build info and process
// metrics, and the derived families of every tool's profile written straight from their series,
// with label values that need escaping. check_metrics_page.sh hands it to `promtool check metrics`.
#include <prometheus/registry.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "sidecar/derive/derived_metrics.h"
#include "sidecar/observability/build_info.h"
#include "sidecar/observability/metrics_page.h"
#include "sidecar/observability/process_collector.h"
#include "tests/unit/observability/derived_events.h"

int main() {
  using namespace specwatch;
  prometheus::Registry registry;
  prometheus::Registry series_registry;
  register_build_info(registry, "0.0.0-test");
  Logger logger(LogLevel::kError, [](std::string_view) {});
  DerivedMetrics metrics(registry, series_registry, PricingTable::bundled(), DeriveLimits{},
                         logger);
  testing::record_a_bit_of_everything(metrics);
  const std::vector<std::shared_ptr<const prometheus::Collectable>> extra{
      std::make_shared<ProcessCollector>()};
  std::cout << render_metrics(registry, extra, {&metrics.exposition()});
  return std::cout.good() ? 0 : 1;
}
