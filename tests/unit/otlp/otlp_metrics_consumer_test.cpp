#include "sidecar/otlp/otlp_metrics_consumer.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

namespace specwatch {
namespace {

namespace pb_common = opentelemetry::proto::common::v1;
namespace pb_metrics = opentelemetry::proto::metrics::v1;
using opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest;

void set(pb_common::KeyValue* kv, const std::string& key, const std::string& value) {
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

TEST(OtlpMetricsConsumerTest, AnyValuesAsLabelValues) {
  pb_common::AnyValue value;
  value.set_bool_value(true);
  EXPECT_EQ(any_value_text(value), "true");
  value.set_int_value(-42);
  EXPECT_EQ(any_value_text(value), "-42");
  value.set_double_value(0.1);
  EXPECT_EQ(any_value_text(value), "0.1");
  value.set_bytes_value("ab");
  EXPECT_EQ(any_value_text(value), "YWI=");
  auto* array = value.mutable_array_value();
  array->add_values()->set_string_value("a\"b");
  array->add_values()->set_int_value(2);
  auto* entry = array->add_values()->mutable_kvlist_value()->add_values();
  entry->set_key("k");
  entry->mutable_value()->set_bool_value(false);
  EXPECT_EQ(any_value_text(value), "[\"a\\\"b\",2,{\"k\":false}]");
  EXPECT_EQ(any_value_text(pb_common::AnyValue()), "");
}

TEST(OtlpMetricsConsumerTest, SpecularExportReachesMetrics) {
  ExportMetricsServiceRequest request;
  auto* rm = request.add_resource_metrics();
  set(rm->mutable_resource()->add_attributes(), "service.name", "specular");
  auto* sm = rm->add_scope_metrics();
  sm->mutable_scope()->set_name("specular");

  auto* calls = sm->add_metrics();
  calls->set_name("specular.provider.calls");
  calls->set_unit("1");
  calls->mutable_sum()->set_is_monotonic(true);
  calls->mutable_sum()->set_aggregation_temporality(pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE);
  auto* point = calls->mutable_sum()->add_data_points();
  set(point->add_attributes(), "provider", "openai");
  point->set_as_int(7);
  auto* stale = calls->mutable_sum()->add_data_points();
  set(stale->add_attributes(), "provider", "anthropic");
  stale->set_flags(pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK);

  auto* latency = sm->add_metrics();
  latency->set_name("specular.provider.latency");
  latency->set_unit("s");
  auto* histogram = latency->mutable_histogram();
  histogram->set_aggregation_temporality(pb_metrics::AGGREGATION_TEMPORALITY_DELTA);
  auto* hp = histogram->add_data_points();
  hp->set_count(3);
  hp->set_sum(2.5);
  hp->add_explicit_bounds(1);
  hp->add_bucket_counts(2);
  hp->add_bucket_counts(1);

  sm->add_metrics()->set_name("no.data");

  OtlpMetricsStore store;
  OtlpMetricsConsumer consumer(store);
  consumer.consume(request);
  consumer.consume(request);  // the delta histogram adds up; the cumulative sum stays 7

  auto families = store.Collect();
  ASSERT_EQ(families.size(), 4u);
  families.resize(2);
  EXPECT_EQ(prometheus::TextSerializer().Serialize(families),
            "# TYPE specular_provider_calls_total counter\n"
            "specular_provider_calls_total{provider=\"openai\",service_name=\"specular\"} 7\n"
            "# TYPE specular_provider_latency_seconds histogram\n"
            "specular_provider_latency_seconds_count{service_name=\"specular\"} 6\n"
            "specular_provider_latency_seconds_sum{service_name=\"specular\"} 5\n"
            "specular_provider_latency_seconds_bucket{service_name=\"specular\",le=\"1\"} 4\n"
            "specular_provider_latency_seconds_bucket{service_name=\"specular\",le=\"+Inf\"} 6\n");
  EXPECT_EQ(store.dropped_points(OtlpDropReason::kUnsupportedType), 2u);
}

}  // namespace
}  // namespace specwatch
