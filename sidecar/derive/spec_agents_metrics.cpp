#include "sidecar/derive/spec_agents_metrics.h"

namespace specwatch {

using namespace metric_labels;

namespace {

// Spec Agents: the seed's alert is p95 > 15000 ms.
prometheus::Histogram::BucketBoundaries query_latency_ms_buckets() {
  return {100, 250, 500, 1000, 2500, 5000, 10000, 15000, 30000, 60000};
}

}  // namespace

DerivedMetrics::SpecAgentsFamilies::SpecAgentsFamilies(FamilyFactory f)
    : queries(f.counter("queries_total", "Spec Agents queries by endpoint.", {"endpoint"})),
      query_latency(f.histogram("query_latency_ms", "Spec Agents query latency, in milliseconds.",
                                {"status"}, query_latency_ms_buckets())),
      daily_cost(f.gauge("daily_llm_cost_usd",
                         "USD spent on Spec Agents LLM calls since 00:00 UTC.", {})) {}

void DerivedMetrics::SpecAgentsFamilies::create_initial_series() {
  daily_cost.get({});  // the gauge reads 0 before the first call
}

void DerivedMetrics::SpecAgentsFamilies::record_api_request(const ApiRequest& request) {
  queries.get({or_unknown(request.route)}).Increment();
  if (request.duration_seconds && *request.duration_seconds >= 0.0) {
    const std::string_view status =
        !request.status ? kUnknown : (*request.status < 400 ? "success" : "error");
    query_latency.get({status}).Observe(*request.duration_seconds * 1000.0);
  }
}

void DerivedMetrics::SpecAgentsFamilies::add_daily_cost(double cost) {
  daily_cost.get({}).Increment(cost);
}

void DerivedMetrics::SpecAgentsFamilies::reset_daily_cost() {
  daily_cost.get({}).Set(0.0);
}

}  // namespace specwatch
