#include "sidecar/otlp/otlp_metrics_consumer.h"

#include <charconv>

#include "sidecar/core/logger.h"

namespace specwatch {
namespace {

namespace pb_common = opentelemetry::proto::common::v1;
namespace pb_metrics = opentelemetry::proto::metrics::v1;

constexpr std::uint32_t kNoRecordedValue = pb_metrics::DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK;

std::string double_text(double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  return std::string(buffer, end);
}

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint8_t(bytes[i]) << 16) | (std::uint8_t(bytes[i + 1]) << 8) |
                            std::uint8_t(bytes[i + 2]);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63],
            kAlphabet[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    const std::uint32_t n = std::uint8_t(bytes[i]) << 16;
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const std::uint32_t n = (std::uint8_t(bytes[i]) << 16) | (std::uint8_t(bytes[i + 1]) << 8);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], '='};
  }
  return out;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  append_json_escaped(out, text);
  out += '"';
  return out;
}

// The value as JSON (inside arrays and lists).
std::string json_value(const pb_common::AnyValue& value) {
  switch (value.value_case()) {
    case pb_common::AnyValue::kStringValue:
      return json_string(value.string_value());
    case pb_common::AnyValue::kBytesValue:
      return json_string(base64(value.bytes_value()));
    case pb_common::AnyValue::kArrayValue: {
      std::string out = "[";
      for (int i = 0; i < value.array_value().values_size(); ++i) {
        if (i > 0) out += ",";
        out += json_value(value.array_value().values(i));
      }
      return out + "]";
    }
    case pb_common::AnyValue::kKvlistValue: {
      std::string out = "{";
      for (int i = 0; i < value.kvlist_value().values_size(); ++i) {
        if (i > 0) out += ",";
        const auto& entry = value.kvlist_value().values(i);
        out += json_string(entry.key()) + ":" + json_value(entry.value());
      }
      return out + "}";
    }
    case pb_common::AnyValue::VALUE_NOT_SET:
      return "null";
    default:
      return any_value_text(value);
  }
}

otlp_model::Attributes attributes(
    const google::protobuf::RepeatedPtrField<pb_common::KeyValue>& list) {
  otlp_model::Attributes out;
  out.reserve(list.size());
  for (const auto& entry : list) out.push_back({entry.key(), any_value_text(entry.value())});
  return out;
}

otlp_model::Temporality temporality(pb_metrics::AggregationTemporality value) {
  switch (value) {
    case pb_metrics::AGGREGATION_TEMPORALITY_DELTA:
      return otlp_model::Temporality::kDelta;
    case pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE:
      return otlp_model::Temporality::kCumulative;
    default:
      return otlp_model::Temporality::kUnspecified;
  }
}

std::vector<otlp_model::NumberPoint> number_points(
    const google::protobuf::RepeatedPtrField<pb_metrics::NumberDataPoint>& points) {
  std::vector<otlp_model::NumberPoint> out;
  for (const auto& point : points) {
    if (point.flags() & kNoRecordedValue) continue;
    otlp_model::NumberPoint& converted = out.emplace_back();
    converted.attributes = attributes(point.attributes());
    converted.start_time_unix_nano = point.start_time_unix_nano();
    converted.time_unix_nano = point.time_unix_nano();
    converted.value = point.value_case() == pb_metrics::NumberDataPoint::kAsInt
                          ? static_cast<double>(point.as_int())
                          : point.as_double();
  }
  return out;
}

otlp_model::ExponentialBuckets buckets(
    const pb_metrics::ExponentialHistogramDataPoint::Buckets& in) {
  return {in.offset(), {in.bucket_counts().begin(), in.bucket_counts().end()}};
}

otlp_model::MetricData data(const pb_metrics::Metric& metric) {
  switch (metric.data_case()) {
    case pb_metrics::Metric::kGauge:
      return otlp_model::Gauge{number_points(metric.gauge().data_points())};
    case pb_metrics::Metric::kSum:
      return otlp_model::Sum{number_points(metric.sum().data_points()),
                             temporality(metric.sum().aggregation_temporality()),
                             metric.sum().is_monotonic()};
    case pb_metrics::Metric::kHistogram: {
      otlp_model::Histogram out;
      out.temporality = temporality(metric.histogram().aggregation_temporality());
      for (const auto& point : metric.histogram().data_points()) {
        if (point.flags() & kNoRecordedValue) continue;
        auto& converted = out.points.emplace_back();
        converted.attributes = attributes(point.attributes());
        converted.start_time_unix_nano = point.start_time_unix_nano();
        converted.time_unix_nano = point.time_unix_nano();
        converted.count = point.count();
        if (point.has_sum()) converted.sum = point.sum();
        converted.bucket_counts.assign(point.bucket_counts().begin(), point.bucket_counts().end());
        converted.explicit_bounds.assign(point.explicit_bounds().begin(),
                                         point.explicit_bounds().end());
      }
      return out;
    }
    case pb_metrics::Metric::kExponentialHistogram: {
      otlp_model::ExponentialHistogram out;
      out.temporality = temporality(metric.exponential_histogram().aggregation_temporality());
      for (const auto& point : metric.exponential_histogram().data_points()) {
        if (point.flags() & kNoRecordedValue) continue;
        auto& converted = out.points.emplace_back();
        converted.attributes = attributes(point.attributes());
        converted.start_time_unix_nano = point.start_time_unix_nano();
        converted.time_unix_nano = point.time_unix_nano();
        converted.count = point.count();
        if (point.has_sum()) converted.sum = point.sum();
        converted.scale = point.scale();
        converted.zero_count = point.zero_count();
        converted.zero_threshold = point.zero_threshold();
        converted.positive = buckets(point.positive());
        converted.negative = buckets(point.negative());
      }
      return out;
    }
    case pb_metrics::Metric::kSummary: {
      otlp_model::Summary out;
      for (const auto& point : metric.summary().data_points()) {
        if (point.flags() & kNoRecordedValue) continue;
        auto& converted = out.points.emplace_back();
        converted.attributes = attributes(point.attributes());
        converted.start_time_unix_nano = point.start_time_unix_nano();
        converted.time_unix_nano = point.time_unix_nano();
        converted.count = point.count();
        converted.sum = point.sum();
        for (const auto& quantile : point.quantile_values()) {
          converted.quantiles.push_back({quantile.quantile(), quantile.value()});
        }
      }
      return out;
    }
    default:
      return std::monostate{};
  }
}

}  // namespace

std::string any_value_text(const pb_common::AnyValue& value) {
  switch (value.value_case()) {
    case pb_common::AnyValue::kStringValue:
      return value.string_value();
    case pb_common::AnyValue::kBoolValue:
      return value.bool_value() ? "true" : "false";
    case pb_common::AnyValue::kIntValue:
      return std::to_string(value.int_value());
    case pb_common::AnyValue::kDoubleValue:
      return double_text(value.double_value());
    case pb_common::AnyValue::kBytesValue:
      return base64(value.bytes_value());
    case pb_common::AnyValue::kArrayValue:
    case pb_common::AnyValue::kKvlistValue:
      return json_value(value);
    default:
      return {};
  }
}

otlp_model::MetricsBatch to_metrics_batch(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request) {
  otlp_model::MetricsBatch out;
  out.resource_metrics.reserve(request.resource_metrics_size());
  for (const auto& resource : request.resource_metrics()) {
    auto& rm = out.resource_metrics.emplace_back();
    rm.resource_attributes = attributes(resource.resource().attributes());
    for (const auto& scope : resource.scope_metrics()) {
      auto& sm = rm.scope_metrics.emplace_back();
      sm.scope_name = scope.scope().name();
      sm.scope_version = scope.scope().version();
      for (const auto& metric : scope.metrics()) {
        sm.metrics.push_back(
            otlp_model::Metric{metric.name(), metric.description(), metric.unit(), data(metric)});
      }
    }
  }
  return out;
}

void OtlpMetricsConsumer::consume(
    const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request) {
  store_.ingest(to_metrics_batch(request));
}

}  // namespace specwatch
