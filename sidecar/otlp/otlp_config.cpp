#include "sidecar/otlp/otlp_config.h"

#include <limits>
#include <optional>
#include <variant>

#include "sidecar/config/listen_address.h"

namespace specwatch {
namespace {

constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

void read_listener(const YAML::Node& node, const std::string& key_path, OtlpListenerConfig& out,
                   ConfigReader& in) {
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(node, key_path, {"enabled", "listen"});
  if (const YAML::Node enabled = node["enabled"]; enabled.IsDefined()) {
    if (auto value = in.read_bool(enabled, ConfigReader::join(key_path, "enabled"))) {
      out.enabled = *value;
    }
  }
  if (const YAML::Node listen = node["listen"]; listen.IsDefined()) {
    const std::string key = ConfigReader::join(key_path, "listen");
    if (auto setting = read_listen_address(listen, key, in)) {
      out.listen = setting->text;
      out.host = setting->address.host;
      out.port = setting->address.port;
    }
  }
}

template <typename T>
bool read_number(const YAML::Node& map, const std::string& key_path, const char* name,
                 std::int64_t min, std::int64_t max, T& target, ConfigReader& in) {
  const YAML::Node value = map[name];
  if (!value.IsDefined()) return false;
  if (auto number = in.read_int(value, ConfigReader::join(key_path, name), min, max)) {
    target = static_cast<T>(*number);
    return true;
  }
  return false;
}

void read_profile(const YAML::Node& map, const std::string& key_path, const char* name,
                  std::string& target, ConfigReader& in) {
  if (const YAML::Node value = map[name]; value.IsDefined()) {
    if (auto text = in.read_non_empty_string(value, ConfigReader::join(key_path, name))) {
      target = *text;
    }
  }
}

}  // namespace

bool same_receivers(const OtlpConfig& a, const OtlpConfig& b) {
  auto same_listener = [](const OtlpListenerConfig& x, const OtlpListenerConfig& y) {
    return x.enabled == y.enabled && x.host == y.host && x.port == y.port;
  };
  return same_listener(a.grpc, b.grpc) && same_listener(a.http, b.http) &&
         a.max_body_bytes == b.max_body_bytes && a.max_compressed_bytes == b.max_compressed_bytes &&
         a.span_profile == b.span_profile && a.log_profile == b.log_profile &&
         a.retry_after_seconds == b.retry_after_seconds &&
         a.consume_timeout_ms == b.consume_timeout_ms &&
         a.header_timeout_ms == b.header_timeout_ms && a.max_connections == b.max_connections;
}

void read_otlp_section(const YAML::Node& node, const std::string& key_path, OtlpConfig& out,
                       ConfigReader& in) {
  if (!in.expect_map(node, key_path)) return;
  in.check_unknown_keys(node, key_path,
                        {"grpc", "http", "max_body_bytes", "max_compressed_bytes", "span_profile",
                         "log_profile", "retry_after_seconds", "consume_timeout_ms",
                         "header_timeout_ms", "max_connections", "span_metrics", "metrics"});
  if (const YAML::Node grpc = node["grpc"]; grpc.IsDefined()) {
    read_listener(grpc, ConfigReader::join(key_path, "grpc"), out.grpc, in);
  }
  if (const YAML::Node http = node["http"]; http.IsDefined()) {
    read_listener(http, ConfigReader::join(key_path, "http"), out.http, in);
  }
  constexpr std::int64_t kMaxBody = std::int64_t{1} << 31;  // gRPC's message size is an int
  read_number(node, key_path, "max_body_bytes", 1, kMaxBody - 1, out.max_body_bytes, in);
  if (!read_number(node, key_path, "max_compressed_bytes", 1, kMaxBody - 1,
                   out.max_compressed_bytes, in)) {
    out.max_compressed_bytes = out.max_body_bytes;
  }
  read_profile(node, key_path, "span_profile", out.span_profile, in);
  read_profile(node, key_path, "log_profile", out.log_profile, in);
  read_number(node, key_path, "retry_after_seconds", 0, 3600, out.retry_after_seconds, in);
  read_number(node, key_path, "consume_timeout_ms", 0, 60000, out.consume_timeout_ms, in);
  read_number(node, key_path, "header_timeout_ms", 1, 600000, out.header_timeout_ms, in);
  read_number(node, key_path, "max_connections", 1, 1000000, out.max_connections, in);
  if (const YAML::Node metrics = node["span_metrics"]; metrics.IsDefined()) {
    const std::string metrics_path = ConfigReader::join(key_path, "span_metrics");
    if (in.expect_map(metrics, metrics_path)) {
      in.check_unknown_keys(metrics, metrics_path, {"max_series_per_metric"});
      read_number(metrics, metrics_path, "max_series_per_metric", 1, kIntMax,
                  out.span_metrics_max_series, in);
    }
  }
  if (const YAML::Node metrics = node["metrics"]; metrics.IsDefined()) {
    read_otlp_metrics_section(metrics, ConfigReader::join(key_path, "metrics"), out.metrics, in);
  }
}

}  // namespace specwatch
