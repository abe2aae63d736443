// The receivers' own series:
//   specwatch_otlp_requests_total{protocol, signal, outcome}        counter
//   specwatch_otlp_items_total{signal, outcome}                      counter (accepted|rejected)
//   specwatch_otlp_request_duration_seconds{protocol, signal}       histogram
//   specwatch_http_connections_refused_total{listener}               counter (otlp-http here; the
//                                                                    daemon adds admin)
// Every label combination is created at construction (dashboards see zeros), and the hot path is
// an array lookup.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <cstdint>
#include <string_view>

namespace specwatch {

enum class OtlpProtocol : std::uint8_t { kGrpc = 0, kHttp = 1 };
enum class OtlpSignal : std::uint8_t { kTraces = 0, kLogs = 1, kMetrics = 2 };
enum class ExportOutcome : std::uint8_t {
  kSuccess = 0,
  kPartial = 1,
  kInvalid = 2,
  kTooLarge = 3,
  kUnsupportedMediaType = 4,
  kUnavailable = 5,
};

std::string_view to_string(OtlpProtocol protocol);
std::string_view to_string(OtlpSignal signal);
std::string_view to_string(ExportOutcome outcome);

class OtlpMetrics {
 public:
  explicit OtlpMetrics(prometheus::Registry& registry);
  OtlpMetrics(const OtlpMetrics&) = delete;
  OtlpMetrics& operator=(const OtlpMetrics&) = delete;

  void request(OtlpProtocol protocol, OtlpSignal signal, ExportOutcome outcome, double seconds);
  void items(OtlpSignal signal, std::int64_t accepted, std::int64_t rejected);
  // An OTLP/HTTP request the HTTP server answered itself (body too large, malformed): counted in
  // requests_total, not timed (the handler never started).
  void server_answered(OtlpSignal signal, ExportOutcome outcome);
  void connection_refused_otlp_http() { refused_otlp_http_->Increment(); }
  // The family of specwatch_http_connections_refused_total, for the other listeners' series.
  prometheus::Family<prometheus::Counter>& connections_refused() { return *refused_family_; }

  // For tests.
  double requests_value(OtlpProtocol protocol, OtlpSignal signal, ExportOutcome outcome) const;
  double items_value(OtlpSignal signal, bool accepted) const;
  double connections_refused_otlp_http_value() const { return refused_otlp_http_->Value(); }

 private:
  static constexpr std::size_t kProtocols = 2, kSignals = 3, kOutcomes = 6;
  std::array<prometheus::Counter*, kProtocols * kSignals * kOutcomes> requests_{};
  std::array<prometheus::Counter*, kSignals * 2> items_{};
  std::array<prometheus::Histogram*, kProtocols * kSignals> durations_{};
  prometheus::Family<prometheus::Counter>* refused_family_ = nullptr;
  prometheus::Counter* refused_otlp_http_ = nullptr;
};

}  // namespace specwatch
