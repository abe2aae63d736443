#include "tests/integration/support/metrics_text.h"

#include "tests/support/http/http_client.h"

namespace specwatch::testing {

MetricsMap scrape(std::uint16_t port) {
  HttpResponse r = http_get(port, "/metrics");
  if (r.status != 200) return {};
  return parse_metrics(r.body);
}

}  // namespace specwatch::testing
