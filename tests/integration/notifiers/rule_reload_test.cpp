// SIGHUP reloads the rule files in the real binary: a rule added and an expression changed show
// in /api/v1/rules, a firing alert whose rule did not change keeps its activeAt and pages no
// second time; a broken rule file is refused with file:line:column and the rules keep running.
// Also the 400 Prometheus answers for a bad `type` on /api/v1/rules.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "tests/integration/notifiers/alert_delivery_support.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/test_config.h"

namespace specwatch::testing {
namespace {

constexpr const char* kFailingAlert = R"(
      - alert: LLMCallsFailing
        expr: sum by (job, instance, service, provider) (specwatch_llm_requests_total{outcome="error"}) >= 2
        labels:
          severity: critical
        annotations:
          summary: '{{ $value }} failed calls to {{ $labels.provider }}'
)";

// The group with the recording rule summing by `by`, the alert, and `more` rules.
std::string rules(const std::string& by, const std::string& more = "") {
  return "groups:\n  - name: llm\n    interval: 1s\n    rules:\n"
         "      - record: provider:llm_errors:sum\n"
         "        expr: sum by (" +
         by + ") (specwatch_llm_requests_total{outcome=\"error\"})" + kFailingAlert + more;
}

// After the reload: the recording rule's expression changed, the alert untouched, a new alert.
constexpr const char* kNewAlert = R"(      - alert: LLMCallsSeen
        expr: sum by (job, instance) (specwatch_llm_requests_total) > 0
        labels:
          severity: info
)";

constexpr const char* kBroken = R"(groups:
  - name: llm
    interval: 1s
    rules:
      - record: provider:llm_errors:sum
        expr: nope(1)
)";

std::string config(const TempDir& dir, const PagerDutyStandIn& pagerduty) {
  return test_config(
      dir.file("state"), ndjson_source("calls", dir.file("calls.log"), "    profile: genai\n"),
      rules_section(dir) + "notifiers:\n  - type: pagerduty\n    name: oncall\n    url: " +
          pagerduty.url() + "\n    routing_key_file: \"" + dir.file("routing-key") + "\"\n");
}

std::string last_evaluation(std::uint16_t port) {
  const std::string rules = http_get(port, "/api/v1/rules").body;
  const std::string key = "\"lastEvaluation\":\"";
  const std::size_t at = rules.rfind(key);
  return at == std::string::npos ? "" : rules.substr(at + key.size(), 24);
}

TEST(RuleReload, SighupSwapsRulesKeepsAFiringAlertAndRefusesABrokenFile) {
  TempDir dir;
  PagerDutyStandIn pagerduty;
  write_file(dir.file("routing-key"), std::string(kRoutingKey) + "\n");
  write_file(dir.file("llm.rules.yml"), rules("provider"));
  write_file(dir.file("calls.log"), llm_calls(3, 1));
  write_file(dir.file("specwatch.yaml"), config(dir, pagerduty));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  const std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();

  HttpResponse bad = http_get(port, "/api/v1/rules?type=foo");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body,
            R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"type\": )"
            R"(not supported value \"foo\""})");

  std::optional<ListedAlert> firing;
  ASSERT_TRUE(wait_until([&] {
    firing = listed_alert(port, "LLMCallsFailing");
    return firing && firing->state == "firing";
  })) << sidecar.log();
  ASSERT_TRUE(pagerduty.wait_accepted(1)) << sidecar.log();
  // The reload rebuilds the notifier, which reads its ledger: wait until the trigger is in it.
  ASSERT_TRUE(wait_until([&] {
    return read_file(dir.file("state/notifier-oncall.json")).find("\"firing\":true") !=
           std::string::npos;
  })) << sidecar.log();

  write_file(dir.file("llm.rules.yml"), rules("provider, model", kNewAlert));
  sidecar.send_signal(SIGHUP);
  ASSERT_TRUE(wait_until([&] {
    auto seen = listed_alert(port, "LLMCallsSeen");
    return seen && seen->state == "firing";
  })) << http_get(port, "/api/v1/rules").body;
  const std::string rules = http_get(port, "/api/v1/rules").body;
  EXPECT_NE(rules.find(R"x("name":"provider:llm_errors:sum","query":"sum by (provider, model) )x"
                       R"x((specwatch_llm_requests_total{outcome=\"error\"})")x"),
            std::string::npos)
      << rules;
  auto kept = listed_alert(port, "LLMCallsFailing");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->state, "firing");
  EXPECT_EQ(kept->active_at, firing->active_at);
  // Two more cycles with the notifier rebuilt by the reload: still the one trigger.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  auto events = pagerduty_events(pagerduty);
  EXPECT_EQ(events.size(), 1u);
  EXPECT_EQ(count_action(events, "trigger"), 1u);
  EXPECT_EQ(pagerduty.requests().size(), 1u);

  write_file(dir.file("llm.rules.yml"), kBroken);
  sidecar.send_signal(SIGHUP);
  const std::string refused = "\"msg\":\"invalid configuration; keeping the running one\"";
  ASSERT_TRUE(wait_until([&] { return sidecar.log().find(refused) != std::string::npos; }))
      << sidecar.log();
  const std::string problem = dir.file("llm.rules.yml") +
                              ":6:15: groups[0].rules[0].expr: could not parse expression: 1:1: "
                              "parse error: unknown function with name \\\"nope\\\"";
  EXPECT_NE(sidecar.log().find(problem), std::string::npos) << sidecar.log();
  // The rules loaded before keep being evaluated.
  const std::string before = last_evaluation(port);
  ASSERT_TRUE(wait_until([&] { return last_evaluation(port) != before; }));
  EXPECT_NE(http_get(port, "/api/v1/rules").body.find("\"name\":\"LLMCallsSeen\""),
            std::string::npos);
  kept = listed_alert(port, "LLMCallsFailing");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->state, "firing");
  EXPECT_EQ(kept->active_at, firing->active_at);
  EXPECT_EQ(pagerduty.requests().size(), 1u);
  EXPECT_TRUE(pagerduty.invalid().empty());
  sidecar.send_signal(SIGTERM);
  EXPECT_EQ(sidecar.wait_exit().exit_code, 0);
}

}  // namespace
}  // namespace specwatch::testing
