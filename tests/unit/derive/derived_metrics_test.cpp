#include "sidecar/derive/derived_metrics.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <thread>
#include <tuple>

#include "tests/support/metrics_text.h"

namespace specwatch {
namespace {

using specwatch::testing::has_line;
using specwatch::testing::render;
using specwatch::testing::samples;
using Lines = std::vector<std::string>;

template <typename Body>
CanonicalEvent event(Body body, std::string service = "svc") {
  CanonicalEvent e;
  e.service = std::move(service);
  e.body = std::move(body);
  return e;
}

LlmCall llm(std::string provider, std::string model, std::optional<std::int64_t> input = {},
            std::optional<std::int64_t> output = {}) {
  LlmCall call;
  call.provider = std::move(provider);
  call.model = std::move(model);
  call.input_tokens = input;
  call.output_tokens = output;
  return call;
}

class DerivedMetricsTest : public ::testing::Test {
 protected:
  DerivedMetricsTest()
      : logger_(LogLevel::kInfo, [this](std::string_view line) { log_lines_.emplace_back(line); }) {
  }

  DerivedMetrics& metrics(DeriveLimits limits = {}) {
    if (!metrics_) {
      metrics_ = std::make_unique<DerivedMetrics>(registry_, PricingTable::bundled(), limits,
                                                  logger_, [this] { return now_; });
    }
    return *metrics_;
  }
  std::string text() { return render(registry_); }

  prometheus::Registry registry_;
  std::vector<std::string> log_lines_;
  Logger logger_;
  std::chrono::system_clock::time_point now_ =
      std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{12};
  std::unique_ptr<DerivedMetrics> metrics_;
};

TEST_F(DerivedMetricsTest, GoldenLlmCalls) {
  auto& m = metrics();
  LlmCall chat = llm("openai", "gpt-4o", 1000, 1000);
  chat.operation = "chat";
  chat.duration_seconds = 0.5;
  m.record(event(chat), Tool::kNone);

  LlmCall cached = llm("anthropic", "claude-3-7-sonnet-20250219", 10000, 500);
  cached.operation = "chat";
  cached.cache_read_tokens = 4000;
  cached.cache_creation_tokens = 1000;
  cached.reasoning_tokens = 200;
  m.record(event(cached), Tool::kNone);

  LlmCall anthropic_native = llm("anthropic", "claude-3-7-sonnet-20250219", 5000, 500);
  anthropic_native.operation = "chat";
  anthropic_native.input_includes_cache = false;
  anthropic_native.cache_read_tokens = 4000;
  anthropic_native.cache_creation_tokens = 1000;
  m.record(event(anthropic_native), Tool::kNone);

  LlmCall aggregate = llm("anthropic", "claude-sonnet-4-5", 100, 100);
  aggregate.cost_usd = 0.5;  // reported: wins over the computed 0.0018
  aggregate.count = 3;
  m.record(event(aggregate), Tool::kNone);

  LlmCall failed = llm("groq", "llama-3.3-70b-versatile");
  failed.outcome = Outcome::kError;
  failed.error_type = "rate_limited";
  m.record(event(failed), Tool::kNone);
  // A successful call without usage counts in requests_without_usage; the failed one above,
  // which carries no usage either, does not.
  m.record(event(llm("groq", "llama-3.3-70b-versatile")), Tool::kNone);

  m.record(event(llm("openai", "gpt-5", 10, 10)), Tool::kNone);
  m.record(event(llm("", "", 10, 10)), Tool::kNone);

  const std::string t = text();
  EXPECT_EQ(
      samples(t, "specwatch_llm_requests_total"),
      (Lines{
          "specwatch_llm_requests_total{error_type=\"none\",model=\"claude-3-7-sonnet-20250219\","
          "operation=\"chat\",outcome=\"success\",provider=\"anthropic\",service=\"svc\"} 2",
          "specwatch_llm_requests_total{error_type=\"none\",model=\"claude-sonnet-4-5\",operation="
          "\"unknown\",outcome=\"success\",provider=\"anthropic\",service=\"svc\"} 3",
          "specwatch_llm_requests_total{error_type=\"none\",model=\"gpt-4o\",operation=\"chat\","
          "outcome=\"success\",provider=\"openai\",service=\"svc\"} 1",
          "specwatch_llm_requests_total{error_type=\"none\",model=\"gpt-5\",operation=\"unknown\","
          "outcome=\"success\",provider=\"openai\",service=\"svc\"} 1",
          "specwatch_llm_requests_total{error_type=\"none\",model=\"llama-3.3-70b-versatile\","
          "operation=\"unknown\",outcome=\"success\",provider=\"groq\",service=\"svc\"} 1",
          "specwatch_llm_requests_total{error_type=\"none\",model=\"unknown\",operation="
          "\"unknown\",outcome=\"success\",provider=\"unknown\",service=\"svc\"} 1",
          "specwatch_llm_requests_total{error_type=\"rate_limited\",model=\"llama-3.3-70b-"
          "versatile\",operation=\"unknown\",outcome=\"error\",provider=\"groq\",service=\"svc\"} "
          "1",
      }));
  EXPECT_EQ(samples(t, "specwatch_llm_cost_usd_total"),
            (Lines{
                "specwatch_llm_cost_usd_total{cost_source=\"computed\",model=\"claude-3-7-sonnet-"
                "20250219\",provider=\"anthropic\",service=\"svc\"} 0.0549",
                "specwatch_llm_cost_usd_total{cost_source=\"computed\",model=\"gpt-4o\",provider="
                "\"openai\",service=\"svc\"} 0.0125",
                "specwatch_llm_cost_usd_total{cost_source=\"reported\",model=\"claude-sonnet-4-5\","
                "provider=\"anthropic\",service=\"svc\"} 0.5",
            }));
  EXPECT_EQ(samples(t, "specwatch_llm_tokens_total"),
            (Lines{
                "specwatch_llm_tokens_total{model=\"claude-3-7-sonnet-20250219\",provider="
                "\"anthropic\",service=\"svc\",token_type=\"cache_creation\"} 2000",
                "specwatch_llm_tokens_total{model=\"claude-3-7-sonnet-20250219\",provider="
                "\"anthropic\",service=\"svc\",token_type=\"cache_read\"} 8000",
                "specwatch_llm_tokens_total{model=\"claude-3-7-sonnet-20250219\",provider="
                "\"anthropic\",service=\"svc\",token_type=\"input\"} 20000",
                "specwatch_llm_tokens_total{model=\"claude-3-7-sonnet-20250219\",provider="
                "\"anthropic\",service=\"svc\",token_type=\"output\"} 1000",
                "specwatch_llm_tokens_total{model=\"claude-3-7-sonnet-20250219\",provider="
                "\"anthropic\",service=\"svc\",token_type=\"reasoning\"} 200",
                "specwatch_llm_tokens_total{model=\"claude-sonnet-4-5\",provider=\"anthropic\","
                "service=\"svc\",token_type=\"input\"} 100",
                "specwatch_llm_tokens_total{model=\"claude-sonnet-4-5\",provider=\"anthropic\","
                "service=\"svc\",token_type=\"output\"} 100",
                "specwatch_llm_tokens_total{model=\"gpt-4o\",provider=\"openai\",service=\"svc\","
                "token_type=\"input\"} 1000",
                "specwatch_llm_tokens_total{model=\"gpt-4o\",provider=\"openai\",service=\"svc\","
                "token_type=\"output\"} 1000",
                "specwatch_llm_tokens_total{model=\"gpt-5\",provider=\"openai\",service=\"svc\","
                "token_type=\"input\"} 10",
                "specwatch_llm_tokens_total{model=\"gpt-5\",provider=\"openai\",service=\"svc\","
                "token_type=\"output\"} 10",
                "specwatch_llm_tokens_total{model=\"unknown\",provider=\"unknown\",service=\"svc\","
                "token_type=\"input\"} 10",
                "specwatch_llm_tokens_total{model=\"unknown\",provider=\"unknown\",service=\"svc\","
                "token_type=\"output\"} 10",
            }));
  EXPECT_EQ(samples(t, "specwatch_llm_unpriced_requests_total"),
            (Lines{
                "specwatch_llm_unpriced_requests_total{model=\"gpt-5\",provider=\"openai\",service="
                "\"svc\"} 1",
                "specwatch_llm_unpriced_requests_total{model=\"unknown\",provider=\"unknown\","
                "service=\"svc\"} 1",
            }));
  EXPECT_EQ(samples(t, "specwatch_llm_requests_without_usage_total"),
            (Lines{
                "specwatch_llm_requests_without_usage_total{model=\"llama-3.3-70b-versatile\","
                "provider=\"groq\",service=\"svc\"} 1",
            }));
  EXPECT_EQ(samples(t, "specwatch_llm_request_duration_seconds_count"),
            (Lines{
                "specwatch_llm_request_duration_seconds_count{model=\"gpt-4o\",operation=\"chat\","
                "outcome=\"success\",provider=\"openai\",service=\"svc\"} 1",
            }));
  EXPECT_TRUE(
      has_line(t,
               "specwatch_llm_request_duration_seconds_bucket{model=\"gpt-4o\",operation=\"chat\","
               "outcome=\"success\",provider=\"openai\",service=\"svc\",le=\"0.32\"} 0"));
  EXPECT_TRUE(
      has_line(t,
               "specwatch_llm_request_duration_seconds_bucket{model=\"gpt-4o\",operation=\"chat\","
               "outcome=\"success\",provider=\"openai\",service=\"svc\",le=\"0.64\"} 1"));
  EXPECT_TRUE(
      has_line(t,
               "specwatch_llm_request_duration_seconds_bucket{model=\"gpt-4o\",operation=\"chat\","
               "outcome=\"success\",provider=\"openai\",service=\"svc\",le=\"81.92\"} 1"));
  EXPECT_TRUE(has_line(t,
                       "specwatch_llm_request_duration_seconds_sum{model=\"gpt-4o\",operation="
                       "\"chat\",outcome=\"success\",provider=\"openai\",service=\"svc\"} 0.5"));
  // No tool metric for a generic profile.
  EXPECT_EQ(t.find("specular_"), std::string::npos);
  EXPECT_EQ(t.find("queries_total"), std::string::npos);
}

TEST_F(DerivedMetricsTest, GoldenOtherEventKinds) {
  auto& m = metrics();
  m.record(event(Fallback{"anthropic", "groq", "rate_limited"}), Tool::kNone);
  m.record(event(Fallback{"groq", "", "error"}), Tool::kNone);
  m.record(event(CacheLookup{"query", true}), Tool::kNone);
  m.record(event(CacheLookup{"query", true}), Tool::kNone);
  m.record(event(CacheLookup{"embedding", false}), Tool::kNone);
  m.record(event(PolicyCheck{"cost_limit", false, "projected total 6.2 > 5.0"}), Tool::kNone);
  m.record(event(PolicyCheck{"", true, ""}), Tool::kNone);
  ComplianceResult grounding;
  grounding.standard = "grounding";
  grounding.score = 0.85;
  grounding.critical = 1;
  grounding.high = 2;
  m.record(event(grounding), Tool::kNone);
  grounding.score = 0.9;  // a gauge: the latest value
  grounding.critical = 0;
  m.record(event(grounding), Tool::kNone);
  WorkflowRun run;
  run.duration_seconds = 42.0;
  run.cost_usd = 0.3;
  m.record(event(run), Tool::kNone);
  run.outcome = Outcome::kFailure;
  run.duration_seconds.reset();
  run.cost_usd.reset();
  m.record(event(run), Tool::kNone);
  WorkflowStep step;
  step.step_name = "Generate the spec";
  step.step_type = "spec";
  m.record(event(step), Tool::kNone);
  m.record(event(LogRecord{Severity::kWarn, ""}), Tool::kNone);
  m.record(event(LogRecord{Severity::kError, "PROVIDER-001"}), Tool::kNone);
  m.record(event(LogRecord{Severity::kError, ""}, ""), Tool::kNone);

  const std::string t = text();
  EXPECT_EQ(samples(t, "specwatch_llm_fallbacks_total"),
            (Lines{
                "specwatch_llm_fallbacks_total{from_provider=\"anthropic\",service=\"svc\",to_"
                "provider=\"groq\"} 1",
                "specwatch_llm_fallbacks_total{from_provider=\"groq\",service=\"svc\",to_provider="
                "\"unknown\"} 1",
            }));
  EXPECT_EQ(
      samples(t, "specwatch_cache_requests_total"),
      (Lines{
          "specwatch_cache_requests_total{cache=\"embedding\",result=\"miss\",service=\"svc\"} 1",
          "specwatch_cache_requests_total{cache=\"query\",result=\"hit\",service=\"svc\"} 2",
      }));
  EXPECT_EQ(
      samples(t, "specwatch_policy_checks_total"),
      (Lines{
          "specwatch_policy_checks_total{policy=\"cost_limit\",result=\"denied\",service=\"svc\"} "
          "1",
          "specwatch_policy_checks_total{policy=\"unknown\",result=\"allowed\",service=\"svc\"} 1",
      }));
  EXPECT_EQ(
      samples(t, "specwatch_compliance_score_ratio"),
      (Lines{"specwatch_compliance_score_ratio{service=\"svc\",standard=\"grounding\"} 0.9"}));
  EXPECT_EQ(samples(t, "specwatch_compliance_violations"),
            (Lines{
                "specwatch_compliance_violations{service=\"svc\",severity=\"critical\",standard="
                "\"grounding\"} 0",
                "specwatch_compliance_violations{service=\"svc\",severity=\"high\",standard="
                "\"grounding\"} 2",
            }));
  EXPECT_EQ(samples(t, "specwatch_workflow_runs_total"),
            (Lines{
                "specwatch_workflow_runs_total{outcome=\"failure\",service=\"svc\"} 1",
                "specwatch_workflow_runs_total{outcome=\"success\",service=\"svc\"} 1",
            }));
  EXPECT_EQ(samples(t, "specwatch_workflow_duration_seconds_count"),
            (Lines{"specwatch_workflow_duration_seconds_count{service=\"svc\"} 1"}));
  EXPECT_TRUE(
      has_line(t, "specwatch_workflow_duration_seconds_bucket{service=\"svc\",le=\"30\"} 0"));
  EXPECT_TRUE(
      has_line(t, "specwatch_workflow_duration_seconds_bucket{service=\"svc\",le=\"60\"} 1"));
  EXPECT_EQ(samples(t, "specwatch_workflow_cost_usd_sum"),
            (Lines{"specwatch_workflow_cost_usd_sum{service=\"svc\"} 0.3"}));
  EXPECT_TRUE(has_line(t, "specwatch_workflow_cost_usd_bucket{service=\"svc\",le=\"0.25\"} 0"));
  EXPECT_TRUE(has_line(t, "specwatch_workflow_cost_usd_bucket{service=\"svc\",le=\"0.5\"} 1"));
  EXPECT_EQ(samples(t, "specwatch_workflow_steps_total"),
            (Lines{"specwatch_workflow_steps_total{outcome=\"success\",service=\"svc\",step_type="
                   "\"spec\"} 1"}));
  EXPECT_EQ(samples(t, "specwatch_log_records_total"),
            (Lines{
                "specwatch_log_records_total{level=\"error\",service=\"svc\"} 1",
                "specwatch_log_records_total{level=\"error\",service=\"unknown\"} 1",
                "specwatch_log_records_total{level=\"warn\",service=\"svc\"} 1",
            }));
  // Free text never becomes a label.
  EXPECT_EQ(t.find("projected total"), std::string::npos);
  EXPECT_EQ(t.find("Generate the spec"), std::string::npos);
}

TEST_F(DerivedMetricsTest, IdentifiersNeverBecomeLabels) {
  auto& m = metrics();
  CanonicalEvent e = event(llm("openai", "gpt-4o", 1, 1));
  e.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  e.span_id = "00f067aa0ba902b7";
  e.workflow_id = "auto-1736965845";
  m.record(e, Tool::kSpecular);
  const std::string t = text();
  EXPECT_EQ(t.find("4bf92f3577b34da6a3ce929d0e0e4736"), std::string::npos);
  EXPECT_EQ(t.find("00f067aa0ba902b7"), std::string::npos);
  EXPECT_EQ(t.find("auto-1736965845"), std::string::npos);
  EXPECT_TRUE(has_line(
      t, "specular_provider_calls_total{model=\"gpt-4o\",provider=\"openai\",success=\"true\"} 1"));
}

TEST_F(DerivedMetricsTest, SpecularNamesFromTheDocs) {
  auto& m = metrics();
  m.enable_tool_metrics(Tool::kSpecular);
  std::string t = text();
  // Label-less series read 0 before the first event; labelled families are registered (the
  // name is taken) but have no series until an event brings their label values.
  EXPECT_EQ(samples(t, "specular_docker_cache_hits_total"),
            (Lines{"specular_docker_cache_hits_total 0"}));
  EXPECT_EQ(samples(t, "specular_docker_cache_misses_total"),
            (Lines{"specular_docker_cache_misses_total 0"}));
  EXPECT_EQ(samples(t, "specular_auto_workflows_total"),
            (Lines{"specular_auto_workflows_total{success=\"false\"} 0",
                   "specular_auto_workflows_total{success=\"true\"} 0"}));
  EXPECT_EQ(t.find("specular_provider_cost_total"), std::string::npos);
  EXPECT_THROW(prometheus::BuildGauge().Name("specular_provider_cost_total").Register(registry_),
               std::invalid_argument);
  EXPECT_EQ(t.find("queries_total"), std::string::npos);

  LlmCall ok = llm("anthropic", "claude-sonnet-4-5", 2000, 500);
  ok.duration_seconds = 3.0;
  m.record(event(ok, "specular"), Tool::kSpecular);
  LlmCall timeout = llm("openai", "gpt-4o");
  timeout.outcome = Outcome::kError;
  timeout.error_type = "timeout";
  m.record(event(timeout, "specular"), Tool::kSpecular);
  LlmCall attested = llm("anthropic", "claude-sonnet-4-5");
  attested.cost_usd = 1.25;
  attested.count = 4;
  m.record(event(attested, "specular"), Tool::kSpecular);
  m.record(event(Command{"auto", true, ""}, "specular"), Tool::kSpecular);
  m.record(event(Command{"build", false, "SPEC-001"}, "specular"), Tool::kSpecular);
  m.record(event(Command{"build", false, ""}, "specular"), Tool::kSpecular);
  m.record(event(PolicyCheck{"cost_limit", false, ""}, "specular"), Tool::kSpecular);
  m.record(event(PolicyCheck{"max_steps", true, ""}, "specular"), Tool::kSpecular);
  WorkflowRun run;
  m.record(event(run, "specular"), Tool::kSpecular);
  run.outcome = Outcome::kError;
  m.record(event(run, "specular"), Tool::kSpecular);
  WorkflowStep step;
  step.step_type = "build";
  step.outcome = Outcome::kFailure;
  m.record(event(step, "specular"), Tool::kSpecular);
  m.record(event(CacheLookup{"docker_image", true}, "specular"), Tool::kSpecular);
  m.record(event(CacheLookup{"docker_image", true}, "specular"), Tool::kSpecular);
  m.record(event(CacheLookup{"docker_image", false}, "specular"), Tool::kSpecular);
  m.record(event(CacheLookup{"query", false}, "specular"), Tool::kSpecular);
  // The same kinds from a generic profile do not reach the specular names.
  m.record(event(Command{"auto", true, ""}, "other"), Tool::kNone);
  m.record(event(CacheLookup{"docker_image", true}, "other"), Tool::kNone);

  t = text();
  EXPECT_EQ(
      samples(t, "specular_provider_calls_total"),
      (Lines{
          "specular_provider_calls_total{model=\"claude-sonnet-4-5\",provider=\"anthropic\","
          "success=\"true\"} 5",
          "specular_provider_calls_total{model=\"gpt-4o\",provider=\"openai\",success=\"false\"} 1",
      }));
  EXPECT_EQ(samples(t, "specular_provider_errors_total"),
            (Lines{"specular_provider_errors_total{error_type=\"timeout\",model=\"gpt-4o\","
                   "provider=\"openai\"} 1"}));
  // 2000 × 3e-6 + 500 × 1.5e-5 = 0.0135 computed, plus 1.25 reported.
  EXPECT_EQ(samples(t, "specular_provider_cost_total"),
            (Lines{"specular_provider_cost_total{model=\"claude-sonnet-4-5\",provider="
                   "\"anthropic\"} 1.2635"}));
  EXPECT_EQ(samples(t, "specular_provider_latency_seconds_count"),
            (Lines{"specular_provider_latency_seconds_count{model=\"claude-sonnet-4-5\",provider="
                   "\"anthropic\"} 1"}));
  EXPECT_TRUE(has_line(t,
                       "specular_provider_latency_seconds_bucket{model=\"claude-sonnet-4-5\","
                       "provider=\"anthropic\",le=\"2\"} 0"));
  EXPECT_TRUE(has_line(t,
                       "specular_provider_latency_seconds_bucket{model=\"claude-sonnet-4-5\","
                       "provider=\"anthropic\",le=\"5\"} 1"));
  EXPECT_EQ(samples(t, "specular_command_executions_total"),
            (Lines{
                "specular_command_executions_total{command=\"auto\",success=\"true\"} 1",
                "specular_command_executions_total{command=\"build\",success=\"false\"} 2",
            }));
  EXPECT_EQ(samples(t, "specular_command_errors_total"),
            (Lines{
                "specular_command_errors_total{command=\"build\",error_code=\"SPEC-001\"} 1",
                "specular_command_errors_total{command=\"build\",error_code=\"unknown\"} 1",
            }));
  EXPECT_EQ(samples(t, "specular_policy_checks_total"),
            (Lines{
                "specular_policy_checks_total{policy_type=\"cost_limit\",result=\"denied\"} 1",
                "specular_policy_checks_total{policy_type=\"max_steps\",result=\"allowed\"} 1",
            }));
  EXPECT_EQ(samples(t, "specular_auto_workflows_total"),
            (Lines{
                "specular_auto_workflows_total{success=\"false\"} 1",
                "specular_auto_workflows_total{success=\"true\"} 1",
            }));
  EXPECT_EQ(samples(t, "specular_auto_steps_total"),
            (Lines{"specular_auto_steps_total{step_type=\"build\",success=\"false\"} 1"}));
  EXPECT_EQ(samples(t, "specular_docker_cache_hits_total"),
            (Lines{"specular_docker_cache_hits_total 2"}));
  EXPECT_EQ(samples(t, "specular_docker_cache_misses_total"),
            (Lines{"specular_docker_cache_misses_total 1"}));
  EXPECT_EQ(samples(t, "specwatch_llm_cost_usd_total"),
            (Lines{
                "specwatch_llm_cost_usd_total{cost_source=\"computed\",model=\"claude-sonnet-4-5\","
                "provider=\"anthropic\",service=\"specular\"} 0.0135",
                "specwatch_llm_cost_usd_total{cost_source=\"reported\",model=\"claude-sonnet-4-5\","
                "provider=\"anthropic\",service=\"specular\"} 1.25",
            }));
}

TEST_F(DerivedMetricsTest, SpecAgentsNamesAndDailyCost) {
  auto& m = metrics();
  m.enable_tool_metrics(Tool::kSpecAgents);
  std::string t = text();
  EXPECT_EQ(samples(t, "daily_llm_cost_usd"), (Lines{"daily_llm_cost_usd 0"}));
  EXPECT_THROW(prometheus::BuildGauge().Name("queries_total").Register(registry_),
               std::invalid_argument);
  EXPECT_EQ(t.find("specular_"), std::string::npos);

  ApiRequest chat;
  chat.route = "/api/chat";
  chat.method = "POST";
  chat.status = 200;
  chat.duration_seconds = 1.2;
  m.record(event(chat, "spec-agents"), Tool::kSpecAgents);
  chat.status = 503;
  chat.duration_seconds = 20.0;
  m.record(event(chat, "spec-agents"), Tool::kSpecAgents);
  chat.status.reset();
  chat.duration_seconds.reset();
  m.record(event(chat, "spec-agents"), Tool::kSpecAgents);

  now_ = std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{23} +
         std::chrono::minutes{59};
  m.record(
      event(llm("anthropic", "Anthropic/claude-sonnet-4-5-20250929", 1000, 200), "spec-agents"),
      Tool::kSpecAgents);  // 0.003 + 0.003
  LlmCall reported = llm("groq", "llama-3.1-8b-instant");
  reported.cost_usd = 0.25;
  m.record(event(reported, "spec-agents"), Tool::kSpecAgents);
  t = text();
  EXPECT_EQ(samples(t, "queries_total"), (Lines{"queries_total{endpoint=\"/api/chat\"} 3"}));
  EXPECT_EQ(samples(t, "query_latency_ms_count"),
            (Lines{"query_latency_ms_count{status=\"error\"} 1",
                   "query_latency_ms_count{status=\"success\"} 1"}));
  EXPECT_TRUE(has_line(t, "query_latency_ms_bucket{status=\"success\",le=\"1000\"} 0"));
  EXPECT_TRUE(has_line(t, "query_latency_ms_bucket{status=\"success\",le=\"2500\"} 1"));
  EXPECT_TRUE(has_line(t, "query_latency_ms_sum{status=\"success\"} 1200"));
  EXPECT_TRUE(has_line(t, "query_latency_ms_bucket{status=\"error\",le=\"15000\"} 0"));
  EXPECT_TRUE(has_line(t, "query_latency_ms_bucket{status=\"error\",le=\"30000\"} 1"));
  EXPECT_EQ(samples(t, "daily_llm_cost_usd"), (Lines{"daily_llm_cost_usd 0.256"}));

  // Midnight UTC: a scrape-time refresh reads 0, the next call starts the new day.
  now_ = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::seconds{1};
  m.refresh_daily_cost();
  EXPECT_EQ(samples(text(), "daily_llm_cost_usd"), (Lines{"daily_llm_cost_usd 0"}));
  m.record(event(reported, "spec-agents"), Tool::kSpecAgents);
  EXPECT_EQ(samples(text(), "daily_llm_cost_usd"), (Lines{"daily_llm_cost_usd 0.25"}));
  // Without a refresh, the first call of a new day resets before adding.
  now_ += std::chrono::hours{24};
  m.record(event(reported, "spec-agents"), Tool::kSpecAgents);
  EXPECT_EQ(samples(text(), "daily_llm_cost_usd"), (Lines{"daily_llm_cost_usd 0.25"}));
  // An unpriced call adds nothing (and is counted as unpriced).
  m.record(event(llm("cerebras", "llama-4-scout", 10, 10), "spec-agents"), Tool::kSpecAgents);
  EXPECT_EQ(samples(text(), "daily_llm_cost_usd"), (Lines{"daily_llm_cost_usd 0.25"}));
}

TEST_F(DerivedMetricsTest, SpekNasaComplianceScore) {
  auto& m = metrics();
  ComplianceResult nasa;
  nasa.standard = "nasa_pot10";
  nasa.score = 0.92;
  nasa.critical = 0;
  m.record(event(nasa, "spek"), Tool::kNone);
  EXPECT_EQ(text().find("spek_nasa_compliance_score"), std::string::npos);
  m.record(event(nasa, "spek"), Tool::kSpek);
  ComplianceResult other;
  other.standard = "connascence";
  other.score = 0.4;
  m.record(event(other, "spek"), Tool::kSpek);
  const std::string t = text();
  EXPECT_EQ(samples(t, "spek_nasa_compliance_score"), (Lines{"spek_nasa_compliance_score 0.92"}));
  EXPECT_EQ(
      samples(t, "specwatch_compliance_score_ratio"),
      (Lines{"specwatch_compliance_score_ratio{service=\"spek\",standard=\"connascence\"} 0.4",
             "specwatch_compliance_score_ratio{service=\"spek\",standard=\"nasa_pot10\"} 0.92"}));
}

TEST_F(DerivedMetricsTest, UnknownModelIsCountedAndLoggedOncePerModel) {
  auto& m = metrics();
  LlmCall gpt5 = llm("openai", "gpt-5", 100, 100);
  m.record(event(gpt5), Tool::kNone);
  m.record(event(gpt5), Tool::kNone);
  gpt5.count = 2;
  m.record(event(gpt5), Tool::kNone);
  m.record(event(llm("cerebras", "llama-4-scout", 1, 1)), Tool::kNone);
  LlmCall reported = llm("cerebras", "llama-4-maverick", 1, 1);
  reported.cost_usd = 0.01;  // a reported cost needs no price
  m.record(event(reported), Tool::kNone);
  const std::string t = text();
  EXPECT_EQ(samples(t, "specwatch_llm_unpriced_requests_total"),
            (Lines{
                "specwatch_llm_unpriced_requests_total{model=\"gpt-5\",provider=\"openai\",service="
                "\"svc\"} 4",
                "specwatch_llm_unpriced_requests_total{model=\"llama-4-scout\",provider="
                "\"cerebras\",service=\"svc\"} 1",
            }));
  EXPECT_EQ(samples(t, "specwatch_llm_cost_usd_total"),
            (Lines{"specwatch_llm_cost_usd_total{cost_source=\"reported\",model=\"llama-4-"
                   "maverick\",provider=\"cerebras\",service=\"svc\"} 0.01"}));
  // The first unpriced model is logged at once; the next one within the minute waits for the
  // minute's summary line, written with the first record after it.
  ASSERT_EQ(log_lines_.size(), 1u);
  EXPECT_NE(log_lines_[0].find("\"provider\":\"openai\",\"model\":\"gpt-5\""), std::string::npos)
      << log_lines_[0];
  now_ += std::chrono::seconds(59);
  m.record(event(gpt5), Tool::kNone);
  EXPECT_EQ(log_lines_.size(), 1u);
  now_ += std::chrono::seconds(1);
  m.record(event(gpt5), Tool::kNone);
  ASSERT_EQ(log_lines_.size(), 2u);
  EXPECT_NE(log_lines_[1].find("\"msg\":\"no price for more models: their calls are counted in "
                               "specwatch_llm_unpriced_requests_total, not in "
                               "specwatch_llm_cost_usd_total; add them to the pricing file\","
                               "\"fields\":{\"models\":1,\"first\":\"cerebras/llama-4-scout\","
                               "\"interval_seconds\":60}}"),
            std::string::npos)
      << log_lines_[1];
  EXPECT_EQ(m.unpriced_models_logged(), 2u);
}

// Unpriced calls and calls without usage in batches of several events (their counts deferred to
// the batch's end, like the other counters) and across batches: exact counts, and the model
// logged once although each label set asks the log only once.
TEST_F(DerivedMetricsTest, UnpricedAndUsageLessCallsInBatchesCountedExactlyAndLoggedOnce) {
  auto& m = metrics();
  const LlmCall gpt5 = llm("openai", "gpt-5", 100, 100);  // no price: unpriced
  LlmCall gpt5_failed = gpt5;                             // a failure with usage: unpriced too
  gpt5_failed.outcome = Outcome::kError;
  gpt5_failed.error_type = "rate_limited";
  const LlmCall groq = llm("groq", "llama-3.3-70b-versatile");  // priced, no usage
  LlmCall groq_failed = groq;  // a failure without usage is not counted as without usage
  groq_failed.outcome = Outcome::kError;
  const std::vector<CanonicalEvent> batch = {event(gpt5),        event(gpt5_failed), event(groq),
                                             event(gpt5),        event(groq_failed), event(groq),
                                             event(gpt5, "svc2")};
  for (int round = 0; round < 3; ++round) m.record(batch, Tool::kNone);
  std::string t = text();
  EXPECT_EQ(samples(t, "specwatch_llm_unpriced_requests_total"),
            (Lines{
                "specwatch_llm_unpriced_requests_total{model=\"gpt-5\",provider=\"openai\",service="
                "\"svc\"} 9",
                "specwatch_llm_unpriced_requests_total{model=\"gpt-5\",provider=\"openai\",service="
                "\"svc2\"} 3",
            }));
  EXPECT_EQ(samples(t, "specwatch_llm_requests_without_usage_total"),
            (Lines{
                "specwatch_llm_requests_without_usage_total{model=\"llama-3.3-70b-versatile\","
                "provider=\"groq\",service=\"svc\"} 6",
            }));
  ASSERT_EQ(log_lines_.size(), 1u);
  EXPECT_NE(log_lines_[0].find("\"provider\":\"openai\",\"model\":\"gpt-5\""), std::string::npos)
      << log_lines_[0];
  // Another unpriced model within the minute waits for the summary, written at the end of the
  // first batch after the minute.
  m.record(std::vector<CanonicalEvent>{event(llm("cerebras", "llama-4-scout", 1, 1)), event(gpt5)},
           Tool::kNone);
  EXPECT_EQ(log_lines_.size(), 1u);
  now_ += std::chrono::seconds(60);
  m.record(batch, Tool::kNone);
  ASSERT_EQ(log_lines_.size(), 2u);
  EXPECT_NE(log_lines_[1].find("\"models\":1,\"first\":\"cerebras/llama-4-scout\""),
            std::string::npos)
      << log_lines_[1];
  t = text();
  EXPECT_EQ(samples(t, "specwatch_llm_unpriced_requests_total"),
            (Lines{
                "specwatch_llm_unpriced_requests_total{model=\"gpt-5\",provider=\"openai\",service="
                "\"svc\"} 13",
                "specwatch_llm_unpriced_requests_total{model=\"gpt-5\",provider=\"openai\",service="
                "\"svc2\"} 4",
                "specwatch_llm_unpriced_requests_total{model=\"llama-4-scout\",provider="
                "\"cerebras\",service=\"svc\"} 1",
            }));
  EXPECT_EQ(m.unpriced_models_logged(), 2u);
}

// The same past the series cache's capacity (one label set): the calls of the other label sets
// take the families' way, each one asking the log, and are counted alike.
TEST_F(DerivedMetricsTest, UnpricedCallsPastTheSeriesCacheAreCountedAndLoggedOnce) {
  DeriveLimits limits;
  limits.max_series_per_metric = 1;
  auto& m = metrics(limits);
  const LlmCall gpt5 = llm("openai", "gpt-5", 100, 100);
  LlmCall gpt5_failed = gpt5;
  gpt5_failed.outcome = Outcome::kError;
  const std::vector<CanonicalEvent> batch = {event(gpt5), event(gpt5_failed), event(gpt5),
                                             event(gpt5_failed)};
  m.record(batch, Tool::kNone);
  m.record(batch, Tool::kNone);
  const std::string t = text();
  EXPECT_EQ(samples(t, "specwatch_llm_unpriced_requests_total"),
            (Lines{"specwatch_llm_unpriced_requests_total{model=\"gpt-5\",provider=\"openai\","
                   "service=\"svc\"} 8"}));
  EXPECT_EQ(log_lines_.size(), 1u);
}

TEST_F(DerivedMetricsTest, UnpricedLogSetIsBounded) {
  DeriveLimits limits;
  limits.max_logged_unpriced_models = 3;
  auto& m = metrics(limits);
  for (int i = 0; i < 10; ++i)
    m.record(event(llm("x", std::string("m").append(std::to_string(i)), 1, 1)), Tool::kNone);
  for (int i = 0; i < 10; ++i)
    m.record(event(llm("x", std::string("m").append(std::to_string(i)), 1, 1)), Tool::kNone);
  // m0 at once, m1 and m2 wait for the summary, m3 hits the bound.
  ASSERT_EQ(log_lines_.size(), 2u);
  EXPECT_NE(log_lines_[0].find("\"model\":\"m0\""), std::string::npos) << log_lines_[0];
  EXPECT_NE(log_lines_[1].find("too many unpriced models"), std::string::npos);
  now_ += std::chrono::minutes(1);
  m.record(event(llm("x", "m0", 1, 1)), Tool::kNone);
  ASSERT_EQ(log_lines_.size(), 3u);
  EXPECT_NE(log_lines_[2].find("\"models\":2,\"first\":\"x/m1, x/m2\""), std::string::npos)
      << log_lines_[2];
  EXPECT_EQ(m.unpriced_models_logged(), 3u);
}

// At most one line a minute: a burst of new models is one line with how many and the first five.
TEST_F(DerivedMetricsTest, UnpricedLogIsOneLineAMinute) {
  auto& m = metrics();
  for (int minute = 0; minute < 3; ++minute) {
    for (int i = 0; i < 100; ++i) {
      const std::string model = "m" + std::to_string(minute) + "-" + std::to_string(i);
      m.record(event(llm("x", model, 1, 1)), Tool::kNone);
      now_ += std::chrono::milliseconds(500);  // 100 models take 50 s
    }
    now_ += std::chrono::seconds(10);
  }
  m.record(event(llm("x", "m0-0", 1, 1)), Tool::kNone);  // writes the last summary
  ASSERT_EQ(log_lines_.size(), 4u);
  EXPECT_NE(log_lines_[0].find("\"model\":\"m0-0\""), std::string::npos) << log_lines_[0];
  // The second line is due one minute after the first (at m1-0, which it includes).
  EXPECT_NE(log_lines_[1].find("\"models\":100,\"first\":\"x/m0-1, x/m0-2, x/m0-3, x/m0-4, "
                               "x/m0-5\""),
            std::string::npos)
      << log_lines_[1];
  EXPECT_NE(log_lines_[2].find("\"models\":100,\"first\":\"x/m1-1,"), std::string::npos)
      << log_lines_[2];
  EXPECT_NE(log_lines_[3].find("\"models\":99,\"first\":\"x/m2-1,"), std::string::npos)
      << log_lines_[3];
  EXPECT_EQ(m.unpriced_models_logged(), 300u);
}

// A batch's consecutive log records of one service and level are counted as one run: the same
// totals, and the same overflow counts past the series limit, as one event at a time.
TEST_F(DerivedMetricsTest, LogRecordRunsInABatchCountLikeSingleEvents) {
  DeriveLimits limits;
  limits.max_series_per_metric = 2;
  auto& m = metrics(limits);
  auto log = [](Severity level, std::string service) {
    LogRecord r;
    r.level = level;
    return event(r, std::move(service));
  };
  const std::vector<CanonicalEvent> batch = {
      log(Severity::kInfo, "a"),  log(Severity::kInfo, "a"),  log(Severity::kInfo, "a"),
      log(Severity::kWarn, "a"),  log(Severity::kWarn, "a"),  event(llm("p", "m")),
      log(Severity::kWarn, "a"),  log(Severity::kInfo, "b"),  log(Severity::kInfo, "b"),
      log(Severity::kError, "c"), log(Severity::kError, "c"), log(Severity::kInfo, ""),
      log(Severity::kInfo, "a"),
  };
  m.record(batch, Tool::kNone);
  m.record(std::span<const CanonicalEvent>(batch).subspan(0, 2), Tool::kNone);
  const std::string t = text();
  EXPECT_EQ(samples(t, "specwatch_log_records_total"),
            (Lines{
                "specwatch_log_records_total{level=\"info\",service=\"a\"} 6",
                "specwatch_log_records_total{level=\"overflow\",service=\"overflow\"} 5",
                "specwatch_log_records_total{level=\"warn\",service=\"a\"} 3",
            }));
  EXPECT_TRUE(
      has_line(t, "specwatch_series_overflow_total{metric=\"specwatch_log_records_total\"} 5"));
  const auto requests = samples(t, "specwatch_llm_requests_total");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].ends_with(",service=\"svc\"} 1")) << requests[0];
}

// A call's series are remembered by label set (llm_call_series.h), but never an overflow series:
// every repeated call folded into it is counted again.
TEST_F(DerivedMetricsTest, RepeatedLlmCallsPastTheSeriesLimitCountEveryOverflow) {
  DeriveLimits limits;
  limits.max_series_per_metric = 2;
  auto& m = metrics(limits);
  CanonicalEvent e = event(llm("openai", "gpt-4o", 100, 50));
  std::get<LlmCall>(e.body).cache_read_tokens = 10;
  for (int i = 0; i < 3; ++i) m.record(e, Tool::kNone);
  const std::string t = text();
  EXPECT_EQ(samples(t, "specwatch_llm_tokens_total"),
            (Lines{
                "specwatch_llm_tokens_total{model=\"gpt-4o\",provider=\"openai\",service=\"svc\","
                "token_type=\"input\"} 300",
                "specwatch_llm_tokens_total{model=\"gpt-4o\",provider=\"openai\",service=\"svc\","
                "token_type=\"output\"} 150",
                "specwatch_llm_tokens_total{model=\"overflow\",provider=\"overflow\",service="
                "\"overflow\",token_type=\"overflow\"} 30",
            }));
  EXPECT_EQ(samples(t, "specwatch_series_overflow_total"),
            (Lines{"specwatch_series_overflow_total{metric=\"specwatch_llm_tokens_total\"} 3"}));
  const auto requests = samples(t, "specwatch_llm_requests_total");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].ends_with(",service=\"svc\"} 3")) << requests[0];
}

// Specular's own series of a call are remembered with the call's label set too, under the same
// rule: a series folded into overflow is looked up (and counted) again on every call.
TEST_F(DerivedMetricsTest, SpecularSeriesOfACallAreRememberedButNeverTheirOverflow) {
  DeriveLimits limits;
  limits.max_series_per_metric = 2;
  auto& m = metrics(limits);
  for (const char* model : {"m-a", "m-b", "m-c"}) {
    CanonicalEvent e = event(llm("openai", model, 10, 5), "specular");
    auto& call = std::get<LlmCall>(e.body);
    call.duration_seconds = 0.5;
    call.cost_usd = 0.25;
    for (int i = 0; i < 3; ++i) m.record(e, Tool::kSpecular);
  }
  CanonicalEvent failed = event(llm("openai", "m-a", 10, 5), "specular");
  std::get<LlmCall>(failed.body).outcome = Outcome::kError;
  std::get<LlmCall>(failed.body).error_type = "timeout";
  for (int i = 0; i < 2; ++i) m.record(failed, Tool::kSpecular);
  const std::string t = text();
  EXPECT_EQ(
      samples(t, "specular_provider_calls_total"),
      (Lines{
          "specular_provider_calls_total{model=\"m-a\",provider=\"openai\",success=\"true\"} 3",
          "specular_provider_calls_total{model=\"m-b\",provider=\"openai\",success=\"true\"} 3",
          "specular_provider_calls_total{model=\"overflow\",provider=\"overflow\","
          "success=\"overflow\"} 5",
      }));
  EXPECT_EQ(samples(t, "specular_provider_errors_total"),
            (Lines{"specular_provider_errors_total{error_type=\"timeout\",model=\"m-a\","
                   "provider=\"openai\"} 2"}));
  EXPECT_EQ(samples(t, "specular_provider_cost_total"),
            (Lines{
                "specular_provider_cost_total{model=\"m-a\",provider=\"openai\"} 0.75",
                "specular_provider_cost_total{model=\"m-b\",provider=\"openai\"} 0.75",
                "specular_provider_cost_total{model=\"overflow\",provider=\"overflow\"} 0.75",
            }));
  EXPECT_TRUE(
      has_line(t, "specular_provider_latency_seconds_count{model=\"m-b\",provider=\"openai\"} 3"));
  EXPECT_TRUE(has_line(
      t, "specular_provider_latency_seconds_count{model=\"overflow\",provider=\"overflow\"} 3"));
  EXPECT_TRUE(
      has_line(t, "specwatch_series_overflow_total{metric=\"specular_provider_calls_total\"} 5"));
}

// The counters of a batch's calls are added once per label set when the batch ends
// (LlmCallSeries::pending): when record() returns, every total is exact, for series resolved
// before the batch, resolved in it, and past the family's limit (2: the rest overflow).
TEST_F(DerivedMetricsTest, ABatchOfCallsLeavesExactTotalsWhenRecordReturns) {
  DeriveLimits limits;
  limits.max_series_per_metric = 2;
  auto& m = metrics(limits);
  const auto call = [](const char* model, int i) {
    CanonicalEvent e = event(llm("openai", model, 100 + i, 10 * i));
    std::get<LlmCall>(e.body).cost_usd = 0.25 * (i % 3 + 1);  // exact in binary: any order sums
    return e;
  };
  m.record(call("m-a", 0), Tool::kNone);  // m-a's series resolved before the batch
  std::vector<CanonicalEvent> batch;
  for (int i = 1; i <= 300; ++i) {
    batch.push_back(call(i % 3 == 0 ? "m-a" : i % 3 == 1 ? "m-b" : "m-c", i));
  }
  m.record(std::span<const CanonicalEvent>(batch), Tool::kNone);
  // m-a: i = 0, 3, …, 300 (101 calls); m-b: 1, 4, …, 298 (100); m-c: 2, 5, …, 299 (100).
  const auto sums = [](int first, int last) {
    long long input = 0, output = 0;
    double cost = 0;
    for (int i = first; i <= last; i += 3) {
      input += 100 + i;
      output += 10 * i;
      cost += 0.25 * (i % 3 + 1);
    }
    return std::tuple{input, output, cost};
  };
  const auto [a_in, a_out, a_cost] = sums(0, 300);
  const auto [b_in, b_out, b_cost] = sums(1, 298);
  const auto [c_in, c_out, c_cost] = sums(2, 299);
  const auto number = [](double v) {
    std::ostringstream out;
    out << std::setprecision(17) << v;
    return out.str();
  };
  const std::string t = text();
  EXPECT_EQ(
      samples(t, "specwatch_llm_requests_total"),
      (Lines{
          "specwatch_llm_requests_total{error_type=\"none\",model=\"m-a\",operation=\"unknown\","
          "outcome=\"success\",provider=\"openai\",service=\"svc\"} 101",
          "specwatch_llm_requests_total{error_type=\"none\",model=\"m-b\",operation=\"unknown\","
          "outcome=\"success\",provider=\"openai\",service=\"svc\"} 100",
          "specwatch_llm_requests_total{error_type=\"overflow\",model=\"overflow\","
          "operation=\"overflow\",outcome=\"overflow\",provider=\"overflow\",service=\"overflow\"} "
          "100",
      }));
  // Tokens: m-a's input and m-b's input are the family's two series; the rest overflows.
  EXPECT_EQ(samples(t, "specwatch_llm_tokens_total"),
            (Lines{
                "specwatch_llm_tokens_total{model=\"m-a\",provider=\"openai\",service=\"svc\","
                "token_type=\"input\"} " +
                    std::to_string(a_in),
                "specwatch_llm_tokens_total{model=\"m-b\",provider=\"openai\",service=\"svc\","
                "token_type=\"input\"} " +
                    std::to_string(b_in),
                "specwatch_llm_tokens_total{model=\"overflow\",provider=\"overflow\","
                "service=\"overflow\",token_type=\"overflow\"} " +
                    std::to_string(a_out + b_out + c_in + c_out),
            }));
  EXPECT_EQ(samples(t, "specwatch_llm_cost_usd_total"),
            (Lines{
                "specwatch_llm_cost_usd_total{cost_source=\"overflow\",model=\"overflow\","
                "provider=\"overflow\",service=\"overflow\"} " +
                    number(c_cost),
                "specwatch_llm_cost_usd_total{cost_source=\"reported\",model=\"m-a\","
                "provider=\"openai\",service=\"svc\"} " +
                    number(a_cost),
                "specwatch_llm_cost_usd_total{cost_source=\"reported\",model=\"m-b\","
                "provider=\"openai\",service=\"svc\"} " +
                    number(b_cost),
            }));
  // The next batch adds to the same totals.
  m.record(std::span<const CanonicalEvent>(batch).first(3), Tool::kNone);  // m-b, m-c, m-a
  EXPECT_TRUE(has_line(text(),
                       "specwatch_llm_requests_total{error_type=\"none\",model=\"m-a\","
                       "operation=\"unknown\",outcome=\"success\",provider=\"openai\","
                       "service=\"svc\"} 102"));
}

// Histograms and Specular's counters of a batch's calls are also applied once per label set when
// the batch ends (LlmCallSeries::Pending): every bucket, count and sum equals what each call
// observed on its own would give, counted here independently of the families' code. Durations on
// a boundary land in that boundary's bucket (le), past the last one only in +Inf.
TEST_F(DerivedMetricsTest, ABatchOfCallsLeavesExactHistogramsWhenRecordReturns) {
  auto& m = metrics();
  // Binary-exact durations and costs: any order of addition gives the same sums.
  const std::vector<double> durations = {0.0078125, 0.5, 1, 1.25, 2, 60, 96, 0.125};
  std::vector<CanonicalEvent> batch;
  for (int i = 0; i < 240; ++i) {
    CanonicalEvent e = event(llm("openai", "m-a", 10, 5), "specular");
    auto& call = std::get<LlmCall>(e.body);
    call.duration_seconds = durations[static_cast<std::size_t>(i) % durations.size()];
    call.cost_usd = 0.25;
    if (i % 4 == 3) {
      call.outcome = Outcome::kError;
      call.error_type = "timeout";
    }
    batch.push_back(std::move(e));
  }
  m.record(batch.front(), Tool::kSpecular);  // the series resolved before the batch
  m.record(std::span<const CanonicalEvent>(batch).subspan(1), Tool::kSpecular);
  const auto cumulative = [&](double le, const std::string& outcome) {
    int n = 0;
    for (const auto& e : batch) {
      const auto& call = std::get<LlmCall>(e.body);
      const bool ok = call.outcome == Outcome::kSuccess;
      if ((outcome.empty() || (outcome == "success") == ok) && *call.duration_seconds <= le) ++n;
    }
    return n;
  };
  const auto le_text = [](double le) {
    std::ostringstream out;
    out << le;
    return out.str();
  };
  const auto sum_text = [](double sum) {
    std::ostringstream out;
    out << std::setprecision(17) << sum;
    return out.str();
  };
  const std::string t = text();
  // specwatch_llm_request_duration_seconds, one series per outcome.
  for (const std::string outcome : {"success", "error"}) {
    const std::string labels = "model=\"m-a\",operation=\"unknown\",outcome=\"" + outcome +
                               "\",provider=\"openai\",service=\"specular\"";
    for (double le :
         {0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92}) {
      EXPECT_TRUE(has_line(t, "specwatch_llm_request_duration_seconds_bucket{" + labels + ",le=\"" +
                                  le_text(le) + "\"} " + std::to_string(cumulative(le, outcome))))
          << outcome << " le=" << le;
    }
    const int count = cumulative(1e9, outcome);
    EXPECT_TRUE(has_line(t, "specwatch_llm_request_duration_seconds_bucket{" + labels +
                                ",le=\"+Inf\"} " + std::to_string(count)));
    EXPECT_TRUE(has_line(t, "specwatch_llm_request_duration_seconds_count{" + labels + "} " +
                                std::to_string(count)));
  }
  // Specular's latency histogram (both outcomes in one series) and its counters.
  double sum = 0;
  for (const auto& e : batch) sum += *std::get<LlmCall>(e.body).duration_seconds;
  for (double le : {0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0}) {
    EXPECT_TRUE(has_line(t,
                         "specular_provider_latency_seconds_bucket{model=\"m-a\",provider=\""
                         "openai\",le=\"" +
                             le_text(le) + "\"} " + std::to_string(cumulative(le, ""))))
        << "le=" << le;
  }
  EXPECT_TRUE(has_line(t,
                       "specular_provider_latency_seconds_bucket{model=\"m-a\",provider=\"openai\","
                       "le=\"+Inf\"} 240"));
  EXPECT_TRUE(has_line(
      t,
      "specular_provider_latency_seconds_sum{model=\"m-a\",provider=\"openai\"} " + sum_text(sum)));
  EXPECT_EQ(
      samples(t, "specular_provider_calls_total"),
      (Lines{
          "specular_provider_calls_total{model=\"m-a\",provider=\"openai\",success=\"false\"} 60",
          "specular_provider_calls_total{model=\"m-a\",provider=\"openai\",success=\"true\"} 180",
      }));
  EXPECT_EQ(samples(t, "specular_provider_errors_total"),
            (Lines{
                "specular_provider_errors_total{error_type=\"timeout\",model=\"m-a\",provider="
                "\"openai\"} 60",
            }));
  EXPECT_EQ(samples(t, "specular_provider_cost_total"),
            (Lines{"specular_provider_cost_total{model=\"m-a\",provider=\"openai\"} 60"}));
}

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

TEST_F(DerivedMetricsTest, AMillionModelNamesStayWithinTheSeriesLimit) {
  auto& m = metrics();
  const std::size_t before = resident_bytes();
  CanonicalEvent e = event(llm("p", ""));
  auto& call = std::get<LlmCall>(e.body);
  for (int i = 0; i < 1000000; ++i) {
    call.model = "model-";
    call.model += std::to_string(i);
    m.record(e, Tool::kNone);
  }
  const std::size_t after = resident_bytes();
  const std::size_t growth = after > before ? after - before : 0;
  const std::string t = text();
  const auto requests = samples(t, "specwatch_llm_requests_total");
  EXPECT_EQ(requests.size(), 2001u);
  EXPECT_EQ(std::count(requests.begin(), requests.end(),
                       "specwatch_llm_requests_total{error_type=\"overflow\",model=\"overflow\","
                       "operation=\"overflow\",outcome=\"overflow\",provider=\"overflow\","
                       "service=\"overflow\"} 998000"),
            1);
  EXPECT_EQ(samples(t, "specwatch_llm_unpriced_requests_total").size(), 2001u);
  EXPECT_EQ(samples(t, "specwatch_series_overflow_total"),
            (Lines{
                "specwatch_series_overflow_total{metric=\"specwatch_llm_requests_total\"} 998000",
                "specwatch_series_overflow_total{metric=\"specwatch_llm_unpriced_requests_total\"} "
                "998000",
            }));
  // The first model is logged at once, 999 more wait for the minute's summary (the clock does not
  // move here), then one line about the limit.
  EXPECT_EQ(log_lines_.size(), 2u);
  EXPECT_NE(log_lines_[1].find("too many unpriced models"), std::string::npos);
  RecordProperty("rss_growth_bytes", std::to_string(growth));
  EXPECT_LT(growth, 64u * 1024 * 1024) << growth;
}

TEST(Tool, NamesAndServices) {
  EXPECT_EQ(tool_from_name("specular"), Tool::kSpecular);
  EXPECT_EQ(tool_from_name("spec-agents"), Tool::kSpecAgents);
  EXPECT_EQ(tool_from_name("spek"), Tool::kSpek);
  EXPECT_EQ(tool_from_name("specweaver"), Tool::kSpecWeaver);
  EXPECT_EQ(tool_from_name("service"), Tool::kByService);
  EXPECT_EQ(tool_from_name("none"), Tool::kNone);
  EXPECT_EQ(tool_from_name("specular-trace"), std::nullopt);
  EXPECT_EQ(tool_name(Tool::kSpecAgents), "spec-agents");
  EXPECT_EQ(tool_of_service("spek"), Tool::kSpek);
  EXPECT_EQ(tool_of_service("my-service"), Tool::kNone);
}

// The tool is what the profile says, never its name: events recorded for Tool::kNone feed no
// tool-specific family even when their service is "specular".
TEST_F(DerivedMetricsTest, ToolSpecificMetricsFollowTheToolNotTheService) {
  auto& m = metrics();
  m.record(event(Command{"auto", true, ""}, "specular"), Tool::kNone);
  EXPECT_EQ(text().find("specular_command"), std::string::npos);
  m.record(event(Command{"auto", true, ""}, "my-service"), Tool::kSpecular);
  EXPECT_NE(text().find("specular_command_executions_total{command=\"auto\",success=\"true\"} 1\n"),
            std::string::npos)
      << text();
  // By service: the tool of each event's own service.
  m.record(event(Command{"build", true, ""}, "specular"), Tool::kByService);
  m.record(event(Command{"build", true, ""}, "other"), Tool::kByService);
  EXPECT_NE(
      text().find("specular_command_executions_total{command=\"build\",success=\"true\"} 1\n"),
      std::string::npos)
      << text();
}

}  // namespace
}  // namespace specwatch

namespace specwatch {
namespace {

TEST_F(DerivedMetricsTest, OtlpRecordsFeedTheToolTheirServiceNames) {
  auto& m = metrics();
  Command command;
  command.command = "auto";
  command.success = false;
  command.error_code = "SPEC-001";
  m.record(event(command, "specular"), Tool::kByService);
  m.record(event(command, "other-app"), Tool::kByService);
  EXPECT_EQ(samples(text(), "specular_command_executions_total"),
            (Lines{"specular_command_executions_total{command=\"auto\",success=\"false\"} 1"}));
  EXPECT_EQ(samples(text(), "specular_command_errors_total"),
            (Lines{"specular_command_errors_total{command=\"auto\",error_code=\"SPEC-001\"} 1"}));
}

TEST_F(DerivedMetricsTest, ComplianceGaugesShowTheLatestResultByItsOwnTime) {
  auto& m = metrics();
  ComplianceResult newer;
  newer.standard = "nasa_pot10";
  newer.score = 0.92;
  ComplianceResult older;
  older.standard = "nasa_pot10";
  older.score = 0.97;
  CanonicalEvent late = event(newer, "spek");
  late.timestamp_ns = 2'000'000'000'000'000'000;
  CanonicalEvent early = event(older, "spek");
  early.timestamp_ns = 1'000'000'000'000'000'000;
  m.record(late, Tool::kSpek);
  m.record(early, Tool::kSpek);  // read later, but older: ignored
  EXPECT_EQ(samples(text(), "spek_nasa_compliance_score"),
            (Lines{"spek_nasa_compliance_score 0.92"}));
  EXPECT_EQ(
      samples(text(), "specwatch_compliance_score_ratio"),
      (Lines{"specwatch_compliance_score_ratio{service=\"spek\",standard=\"nasa_pot10\"} 0.92"}));
}

// The sum of the samples of `name` (exactly that metric name, any labels) in a text page.
double page_sum(const std::string& page, const std::string& name) {
  double sum = 0;
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    if (line.compare(0, name.size(), name) != 0) continue;
    const char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != '{' && next != ' ') continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

// A batch's increments are added when it ends, series by series. A render of the exposition
// while they were being added could show a batch's calls counted without all their durations; it
// now takes record()'s lock, so every render sees whole batches: as many durations as requests,
// and a multiple of the batch size. Races a rendering thread against 300 batches: without the lock
// it failed in each of 5 runs (torn renders among 70 to 142); with it, none can be torn.
TEST_F(DerivedMetricsTest, ARenderSeesEveryBatchWhole) {
  prometheus::Registry series_registry;
  DerivedMetrics derived(registry_, series_registry, PricingTable::bundled(), DeriveLimits{},
                         logger_, [this] { return now_; });
  constexpr int kBatch = 400;
  std::vector<CanonicalEvent> batch;
  const char* models[] = {"gpt-4o", "gpt-4o-mini", "o3", "gpt-4.1"};
  for (int i = 0; i < kBatch; ++i) {
    LlmCall call = llm("openai", models[i % 4], 100 + i, 10);
    call.operation = i % 3 == 0 ? "chat" : "embeddings";
    call.duration_seconds = 0.25;
    batch.push_back(event(call, "svc-" + std::to_string(i % 25)));
  }
  std::atomic<bool> done{false};
  std::atomic<int> renders{0};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!done.load()) {
      std::string page;
      derived.exposition().append_text(page, {});
      const double requests = page_sum(page, "specwatch_llm_requests_total");
      const double durations = page_sum(page, "specwatch_llm_request_duration_seconds_count");
      if (requests != durations || static_cast<long>(requests) % kBatch != 0) ++torn;
      ++renders;
    }
  });
  for (int b = 0; b < 300; ++b) derived.record(batch, Tool::kNone);
  // At least one render after the last batch.
  const int seen = renders.load();
  while (renders.load() < seen + 2) std::this_thread::yield();
  done = true;
  reader.join();
  EXPECT_EQ(torn.load(), 0) << "of " << renders.load() << " renders";
  std::string page;
  derived.exposition().append_text(page, {});
  EXPECT_EQ(page_sum(page, "specwatch_llm_requests_total"), 300.0 * kBatch);
  EXPECT_EQ(page_sum(page, "specwatch_llm_request_duration_seconds_count"), 300.0 * kBatch);
}

}  // namespace
}  // namespace specwatch
