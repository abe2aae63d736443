// From input to a page through a real Alertmanager: the real binary tails LLM calls that fail,
// its rule fires, the alertmanager notifier posts it to Debian's prometheus-alertmanager running
// the bundled alerts/alertmanager.yml, which routes the critical alert to the PagerDuty stand-in
// (a trigger, and nothing to Slack); the calls stop failing, the alert resolves, and the stand-in
// receives the resolve with the same dedup_key.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "tests/integration/notifiers/alert_delivery_support.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/test_config.h"
#include "tests/support/notifiers/alertmanager_process.h"

namespace specwatch::testing {
namespace {

// Any failed call in the last 4 s: fires one cycle after the second sample of a growing error
// counter, resolves once 4 s passed without a failure.
constexpr const char* kRules = R"(groups:
  - name: llm-errors
    interval: 1s
    rules:
      - alert: LLMProviderFailing
        expr: sum by (job, instance, service, provider) (increase(specwatch_llm_requests_total{outcome="error"}[4s])) > 0
        labels:
          severity: critical
        annotations:
          summary: 'Calls of {{ $labels.service }} to {{ $labels.provider }} fail'
          runbook_url: https://runbooks.example/LLMProviderFailing
)";

// Appends one LLM call every 100 ms, failed while `failing` holds.
class CallWriter {
 public:
  explicit CallWriter(std::string path)
      : thread_([this, path = std::move(path)](std::stop_token stop) {
          while (!stop.stop_requested()) {
            append_file(path, llm_call_line(failing.load()));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
        }) {}
  std::atomic<bool> failing{true};

 private:
  std::jthread thread_;
};

TEST(AlertmanagerEndToEnd, FailingLlmCallsPageThroughAlertmanagerAndResolve) {
  if (!std::filesystem::exists(AlertmanagerProcess::kBinary)) {
    GTEST_SKIP() << "prometheus-alertmanager is not installed (scripts/setup.sh test)";
  }
  TempDir dir;
  PagerDutyStandIn pagerduty;
  SlackStandIn slack;
  // The bundled config in a temporary copy, receivers pointed at the stand-ins; its group_wait
  // (30s) and group_interval (5m) become 1s there so that the trigger and the resolve arrive
  // within seconds. Routing, receivers and templates stay as bundled.
  std::filesystem::create_directories(dir.file("alertmanager"));
  AlertmanagerProcess alertmanager(dir.file("alertmanager"), SPECWATCH_SOURCE_DIR, pagerduty.url(),
                                   kRoutingKey, slack.url());
  ASSERT_TRUE(alertmanager.wait_ready()) << alertmanager.log();

  write_file(dir.file("llm.rules.yml"), kRules);
  write_file(dir.file("calls.log"), "");
  write_file(dir.file("specwatch.yaml"),
             test_config(dir.file("state"),
                         ndjson_source("calls", dir.file("calls.log"), "    profile: genai\n"),
                         rules_section(dir) +
                             "notifiers:\n  - type: alertmanager\n    name: alertmanager\n"
                             "    urls: [\"" +
                             alertmanager.url() + "\"]\n"));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  ASSERT_NE(sidecar.wait_started(), 0) << sidecar.log();
  CallWriter writer(dir.file("calls.log"));

  ASSERT_TRUE(pagerduty.wait_accepted(1, std::chrono::seconds(25)))
      << sidecar.log() << alertmanager.log();
  writer.failing = false;
  const auto trigger = pagerduty_events(pagerduty).front();
  EXPECT_EQ(trigger.action, "trigger");
  EXPECT_NE(trigger.body.find("LLMProviderFailing in checkout"), std::string::npos) << trigger.body;
  EXPECT_NE(trigger.body.find("https://runbooks.example/LLMProviderFailing"), std::string::npos)
      << trigger.body;

  ASSERT_TRUE(wait_for_resolve(pagerduty, std::chrono::seconds(25)))
      << sidecar.log() << alertmanager.log();
  const auto events = pagerduty_events(pagerduty);
  EXPECT_EQ(count_action(events, "trigger"), 1u);
  EXPECT_EQ(count_action(events, "resolve"), 1u);
  EXPECT_EQ(events.back().action, "resolve");
  EXPECT_EQ(events.back().dedup_key, trigger.dedup_key);
  EXPECT_TRUE(pagerduty.open_incidents().empty());
  EXPECT_TRUE(pagerduty.invalid().empty());
  // Critical goes to PagerDuty only.
  EXPECT_TRUE(slack.requests().empty());
  sidecar.send_signal(SIGTERM);
  EXPECT_EQ(sidecar.wait_exit().exit_code, 0);
}

}  // namespace
}  // namespace specwatch::testing
