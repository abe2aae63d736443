// The real OpenTelemetry JavaScript SDK (tests/otel/send.js) against the real binary: every
// scenario's exact derived and re-exposed /metrics samples. The sender exits only after every
// export was answered, and the receivers answer only after the pipeline processed the data, so
// the samples are final when it exits; the waits below are a deadline, not a delay.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/otel/otel_harness.h"

namespace specwatch::testing {
namespace {

class OtelSdk : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string problem = node_problem();
    if (!problem.empty()) GTEST_FAIL() << problem;
    sidecar_ = std::make_unique<OtelSidecar>();
    ASSERT_EQ(sidecar_->problem(), "");
  }
  // Runs one scenario of send.js; it must export without failure.
  void send(const std::string& scenario) {
    NodeResult r = run_sender(scenario, *sidecar_);
    ASSERT_EQ(r.exit_code, 0) << r.output << "\n--- sidecar log:\n" << sidecar_->process().log();
  }
  // Waits for `series` to read `value`, then keeps that scrape for the exact assertions.
  void await(const std::string& series, double value) {
    m_ = sidecar_->wait_for(series, value);
    ASSERT_EQ(value_of(m_, series), value) << dump();
  }
  std::string dump() const {
    std::string out;
    for (const auto& [series, value] : m_) {
      if (series.rfind("process_", 0) == 0) continue;
      out += series + " " + std::to_string(value) + "\n";
    }
    return out;
  }
  void expect(const std::string& series, double value) {
    EXPECT_EQ(value_of(m_, series), value) << series << "\n" << dump();
  }
  void expect_near(const std::string& series, double value) {
    auto v = value_of(m_, series);
    ASSERT_TRUE(v.has_value()) << series << "\n" << dump();
    EXPECT_NEAR(*v, value, 1e-9) << series;
  }

  std::unique_ptr<OtelSidecar> sidecar_;
  MetricsMap m_;
};

// Label sets as prometheus-cpp renders them (sorted by name).
std::string llm(const std::string& service, const std::string& provider, const std::string& model,
                const std::string& operation, const std::string& outcome,
                const std::string& error_type) {
  return "{error_type=\"" + error_type + "\",model=\"" + model + "\",operation=\"" + operation +
         "\",outcome=\"" + outcome + "\",provider=\"" + provider + "\",service=\"" + service +
         "\"}";
}
std::string duration(const std::string& service, const std::string& provider,
                     const std::string& model, const std::string& operation,
                     const std::string& outcome, const std::string& le = "") {
  // prometheus-cpp writes `le` after the series' own labels.
  return "{model=\"" + model + "\",operation=\"" + operation + "\",outcome=\"" + outcome +
         "\",provider=\"" + provider + "\",service=\"" + service + "\"" +
         (le.empty() ? "" : ",le=\"" + le + "\"") + "}";
}
std::string tokens(const std::string& service, const std::string& provider,
                   const std::string& model, const std::string& token_type) {
  return "specwatch_llm_tokens_total{model=\"" + model + "\",provider=\"" + provider +
         "\",service=\"" + service + "\",token_type=\"" + token_type + "\"}";
}
std::string cost(const std::string& service, const std::string& provider,
                 const std::string& model) {
  return "specwatch_llm_cost_usd_total{cost_source=\"computed\",model=\"" + model +
         "\",provider=\"" + provider + "\",service=\"" + service + "\"}";
}
std::string without_usage(const std::string& service, const std::string& provider,
                          const std::string& model) {
  return "specwatch_llm_requests_without_usage_total{model=\"" + model + "\",provider=\"" +
         provider + "\",service=\"" + service + "\"}";
}
std::string span_calls(const std::string& service, const std::string& kind, const std::string& name,
                       const std::string& status) {
  return "specwatch_span_calls_total{service=\"" + service + "\",span_kind=\"" + kind +
         "\",span_name=\"" + name + "\",status_code=\"" + status + "\"}";
}
std::string items(const std::string& signal, const std::string& outcome = "accepted") {
  return "specwatch_otlp_items_total{outcome=\"" + outcome + "\",signal=\"" + signal + "\"}";
}
std::string requests(const std::string& protocol, const std::string& signal,
                     const std::string& outcome = "success") {
  return "specwatch_otlp_requests_total{outcome=\"" + outcome + "\",protocol=\"" + protocol +
         "\",signal=\"" + signal + "\"}";
}

// Specular's command.auto and provider.generate spans over OTLP/HTTP protobuf.
TEST_F(OtelSdk, SpecularSpansOverHttpProtobuf) {
  send("specular-spans");
  await(items("traces"), 4);
  expect(requests("http", "traces"), 1);

  const std::string sonnet = "claude-sonnet-4-5-20250929";
  expect(span_calls("specular", "internal", "command.auto", "unset"), 1);
  expect(span_calls("specular", "client", "provider.generate", "unset"), 2);
  expect(span_calls("specular", "client", "provider.generate", "error"), 1);
  expect(
      "specwatch_span_duration_seconds_count{service=\"specular\",span_kind=\"internal\","
      "span_name=\"command.auto\",status_code=\"unset\"}",
      1);
  expect_near(
      "specwatch_span_duration_seconds_sum{service=\"specular\",span_kind=\"internal\","
      "span_name=\"command.auto\",status_code=\"unset\"}",
      9.0);
  // provider.generate spans: 1.3 s + 2.6 s (ok), 0.5 s (error).
  expect_near(
      "specwatch_span_duration_seconds_sum{service=\"specular\",span_kind=\"client\","
      "span_name=\"provider.generate\",status_code=\"unset\"}",
      3.9);

  expect("specwatch_llm_requests_total" +
             llm("specular", "anthropic", sonnet, "generate", "success", "none"),
         1);
  expect("specwatch_llm_requests_total" +
             llm("specular", "openai", "gpt-4o", "generate", "success", "none"),
         1);
  // error=true, status Error, no error type named.
  expect("specwatch_llm_requests_total" +
             llm("specular", "anthropic", sonnet, "generate", "error", "unknown"),
         1);
  EXPECT_EQ(sum_of(m_, "specwatch_llm_requests_total"), 3) << dump();

  expect(tokens("specular", "anthropic", sonnet, "input"), 1200);
  expect(tokens("specular", "anthropic", sonnet, "output"), 350);
  expect(tokens("specular", "openai", "gpt-4o", "input"), 1000);
  expect(tokens("specular", "openai", "gpt-4o", "output"), 200);
  EXPECT_EQ(sum_of(m_, "specwatch_llm_tokens_total"), 2750) << dump();  // tokens_used is no type

  // models.yaml: claude-sonnet-4-5 (the dated name without its date) input 3.0e-06, output
  // 1.5e-05 per token: 1200 × 3e-6 + 350 × 1.5e-5 = 0.0036 + 0.00525.
  expect_near(cost("specular", "anthropic", sonnet), 0.00885);
  // gpt-4o input 2.5e-06, output 1.0e-05: 1000 × 2.5e-6 + 200 × 1e-5 = 0.0025 + 0.002.
  expect_near(cost("specular", "openai", "gpt-4o"), 0.0045);
  // The failed call carries no tokens: priced model, nothing to price, and being a failure it is
  // no call without usage either.
  EXPECT_FALSE(value_of(m_, without_usage("specular", "anthropic", sonnet)).has_value()) << dump();

  // latency_ms wins over the span's own duration: 1.234 s and 2.5 s; the failed call has no
  // latency_ms, so its span duration (0.5 s).
  const std::string d = "specwatch_llm_request_duration_seconds";
  expect(d + "_count" + duration("specular", "anthropic", sonnet, "generate", "success"), 1);
  expect_near(d + "_sum" + duration("specular", "anthropic", sonnet, "generate", "success"), 1.234);
  expect(d + "_bucket" + duration("specular", "anthropic", sonnet, "generate", "success", "0.64"),
         0);
  expect(d + "_bucket" + duration("specular", "anthropic", sonnet, "generate", "success", "1.28"),
         1);
  expect(d + "_count" + duration("specular", "openai", "gpt-4o", "generate", "success"), 1);
  expect_near(d + "_sum" + duration("specular", "openai", "gpt-4o", "generate", "success"), 2.5);
  expect(d + "_count" + duration("specular", "anthropic", sonnet, "generate", "error"), 1);
  expect_near(d + "_sum" + duration("specular", "anthropic", sonnet, "generate", "error"), 0.5);
}

// GenAI semantic-convention spans over OTLP/HTTP JSON.
TEST_F(OtelSdk, GenAiSpansOverHttpJson) {
  send("genai-spans-http");
  await(items("traces"), 3);
  expect(requests("http", "traces"), 1);
  const std::string svc = "genai-http-app";
  // One model per call: the request model's family (the response names gpt-4o-2024-08-06).
  const std::string gpt = "gpt-4o";
  const std::string haiku = "claude-3-5-haiku";

  expect(span_calls(svc, "client", "chat gpt-4o", "unset"), 1);
  expect(span_calls(svc, "client", "chat claude-3-5-haiku-20241022", "unset"), 1);
  expect(span_calls(svc, "client", "generate_content gemini-2.5-pro", "error"), 1);

  expect("specwatch_llm_requests_total" + llm(svc, "openai", gpt, "chat", "success", "none"), 1);
  // Deprecated gen_ai.system.
  expect("specwatch_llm_requests_total" + llm(svc, "anthropic", haiku, "chat", "success", "none"),
         1);
  // Deprecated gen_ai.system "gemini" is gen_ai.provider.name "gcp.gemini".
  expect("specwatch_llm_requests_total" +
             llm(svc, "gcp.gemini", "gemini-2.5-pro", "generate_content", "error", "rate_limited"),
         1);
  EXPECT_EQ(sum_of(m_, "specwatch_llm_requests_total"), 3) << dump();

  expect(tokens(svc, "openai", gpt, "input"), 2000);
  expect(tokens(svc, "openai", gpt, "output"), 500);
  expect(tokens(svc, "openai", gpt, "cache_read"), 800);
  expect(tokens(svc, "anthropic", haiku, "input"), 1000);
  expect(tokens(svc, "anthropic", haiku, "output"), 100);
  expect(tokens(svc, "anthropic", haiku, "cache_read"), 400);
  EXPECT_EQ(sum_of(m_, "specwatch_llm_tokens_total"), 4800) << dump();

  // GenAI input includes cached tokens. models.yaml gpt-4o: input 2.5e-06, cache_read 1.25e-06,
  // output 1.0e-05: (2000 − 800) × 2.5e-6 + 800 × 1.25e-6 + 500 × 1e-5 = 0.003 + 0.001 + 0.005.
  expect_near(cost(svc, "openai", gpt), 0.009);
  // claude-3-5-haiku: input 8.0e-07, cache_read 8.0e-08, output 4.0e-06:
  // (1000 − 400) × 8e-7 + 400 × 8e-8 + 100 × 4e-6 = 0.00048 + 0.000032 + 0.0004.
  expect_near(cost(svc, "anthropic", haiku), 0.000912);
  // The failed gemini call carries no usage: not a call without usage (failures are not).
  EXPECT_FALSE(value_of(m_, without_usage(svc, "gcp.gemini", "gemini-2.5-pro")).has_value())
      << dump();

  const std::string d = "specwatch_llm_request_duration_seconds";
  expect(d + "_count" + duration(svc, "openai", gpt, "chat", "success"), 1);
  expect_near(d + "_sum" + duration(svc, "openai", gpt, "chat", "success"), 2.5);
  expect_near(d + "_sum" + duration(svc, "anthropic", haiku, "chat", "success"), 0.64);
  expect(d + "_bucket" + duration(svc, "anthropic", haiku, "chat", "success", "0.64"), 1);
  expect(d + "_bucket" + duration(svc, "anthropic", haiku, "chat", "success", "0.32"), 0);
  expect_near(
      d + "_sum" + duration(svc, "gcp.gemini", "gemini-2.5-pro", "generate_content", "error"),
      0.08);
}

// GenAI semantic-convention spans over OTLP/gRPC.
TEST_F(OtelSdk, GenAiSpansOverGrpc) {
  send("genai-spans-grpc");
  await(items("traces"), 3);
  expect(requests("grpc", "traces"), 1);
  expect(requests("http", "traces"), 0);
  const std::string svc = "genai-grpc-app";
  const std::string llama = "llama-3.3-70b-versatile";

  expect(span_calls(svc, "client", "chat " + llama, "unset"), 1);
  expect(span_calls(svc, "client", "chat " + llama, "error"), 1);
  expect(span_calls(svc, "client", "embeddings voyage-3-lite", "unset"), 1);

  expect("specwatch_llm_requests_total" + llm(svc, "groq", llama, "chat", "success", "none"), 1);
  expect("specwatch_llm_requests_total" + llm(svc, "groq", llama, "chat", "error", "timeout"), 1);
  expect("specwatch_llm_requests_total" +
             llm(svc, "voyage", "voyage-3-lite", "embeddings", "success", "none"),
         1);

  expect(tokens(svc, "groq", llama, "input"), 3000);
  expect(tokens(svc, "groq", llama, "output"), 700);
  expect(tokens(svc, "voyage", "voyage-3-lite", "input"), 5000);
  EXPECT_EQ(sum_of(m_, "specwatch_llm_tokens_total"), 8700) << dump();

  // models.yaml groq llama-3.3-70b-versatile: input 5.9e-07, output 7.9e-07:
  // 3000 × 5.9e-7 + 700 × 7.9e-7 = 0.00177 + 0.000553. The failed call adds nothing.
  expect_near(cost(svc, "groq", llama), 0.002323);
  // voyage-3-lite: input 2.0e-08: 5000 × 2e-8.
  expect_near(cost(svc, "voyage", "voyage-3-lite"), 0.0001);
  EXPECT_FALSE(value_of(m_, without_usage(svc, "groq", llama)).has_value()) << dump();

  const std::string d = "specwatch_llm_request_duration_seconds";
  expect_near(d + "_sum" + duration(svc, "groq", llama, "chat", "success"), 0.32);
  expect_near(d + "_sum" + duration(svc, "groq", llama, "chat", "error"), 10.24);
  expect(d + "_bucket" + duration(svc, "groq", llama, "chat", "error", "10.24"), 1);
  expect(d + "_bucket" + duration(svc, "groq", llama, "chat", "error", "5.12"), 0);
  expect_near(d + "_sum" + duration(svc, "voyage", "voyage-3-lite", "embeddings", "success"), 0.04);
}

// Specular's pushed metrics: cumulative and delta temporality give the same cumulative series.
class OtelSdkMetrics : public OtelSdk, public ::testing::WithParamInterface<std::string> {};

TEST_P(OtelSdkMetrics, SpecularMetricsAreReExposed) {
  send("specular-metrics-" + GetParam());
  // Two collections: 4 points (latency, calls{success}, tokens{input,output}), then 5
  // (calls{error} too). The reader's shutdown collects once more: cumulative resends all 5 series
  // (a third export of the same totals, which must not add up), delta has nothing new to send.
  const bool cumulative = GetParam() == "cumulative";
  await(items("metrics"), cumulative ? 14 : 9);
  expect(requests("http", "metrics"), cumulative ? 3 : 2);
  const std::string labels =
      "model=\"claude-sonnet-4-5\",operation=\"generate\",provider=\"anthropic\","
      "service_name=\"specular\"";
  const std::string h = "specular_provider_latency_seconds";
  // Observations 0.25, 1.5 | 7, 0.05 into Specular's buckets.
  const std::pair<const char*, double> buckets[] = {{"0.1", 1}, {"0.5", 2}, {"1", 2},
                                                    {"2", 3},   {"5", 3},   {"10", 4},
                                                    {"30", 4},  {"60", 4},  {"+Inf", 4}};
  for (const auto& [le, count] : buckets) {
    expect(h + "_bucket{" + labels + ",le=\"" + le + "\"}", count);
  }
  expect(h + "_count{" + labels + "}", 4);
  expect_near(h + "_sum{" + labels + "}", 8.8);
  expect("specular_provider_calls_total{" + labels + ",status=\"success\"}", 3);
  expect("specular_provider_calls_total{" + labels + ",status=\"error\"}", 1);
  expect("specular_provider_tokens_total{" + labels + ",token_type=\"input\"}", 2000);
  expect("specular_provider_tokens_total{" + labels + ",token_type=\"output\"}", 500);
  EXPECT_EQ(sum_of(m_, "specwatch_otlp_metric_points_dropped_total"), 0) << dump();
}

INSTANTIATE_TEST_SUITE_P(Temporality, OtelSdkMetrics, ::testing::Values("cumulative", "delta"));

// Log records over OTLP/HTTP protobuf: the level from the severity text, else the number.
TEST_F(OtelSdk, LogRecordsAreCountedByLevel) {
  send("logs");
  await(items("logs"), 5);
  expect(requests("http", "logs"), 1);
  expect("specwatch_log_records_total{level=\"info\",service=\"specular\"}", 2);
  expect("specwatch_log_records_total{level=\"warn\",service=\"specular\"}", 1);
  expect("specwatch_log_records_total{level=\"error\",service=\"specular\"}", 1);
  expect("specwatch_log_records_total{level=\"fatal\",service=\"specular\"}", 1);
  EXPECT_EQ(sum_of(m_, "specwatch_log_records_total"), 5) << dump();
}

}  // namespace
}  // namespace specwatch::testing
