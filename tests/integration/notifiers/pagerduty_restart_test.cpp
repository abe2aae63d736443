// kill -9 while an alert is firing does not page twice: the real binary with the pagerduty
// notifier pointed at the stand-in triggers once; killed and restarted on the same state_dir
// (alert state and delivery ledger), it keeps the alert firing without a second trigger; when the
// input clears the condition, exactly one resolve arrives with the trigger's dedup_key.
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "tests/integration/notifiers/alert_delivery_support.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/test_config.h"

namespace specwatch::testing {
namespace {

// More failed than successful calls. Counts over the whole file, which the sidecar reads again
// after a restart (checkpoint: false), so the condition holds across the kill.
constexpr const char* kRules = R"(groups:
  - name: llm
    interval: 1s
    rules:
      - alert: LLMCallsMostlyFailing
        expr: |
          sum by (job, instance, service, provider) (specwatch_llm_requests_total{outcome="error"})
            > on (job, instance, service, provider)
          sum by (job, instance, service, provider) (specwatch_llm_requests_total{outcome="success"})
        labels:
          severity: critical
        annotations:
          summary: 'Most calls of {{ $labels.service }} to {{ $labels.provider }} fail'
)";

TEST(PagerDutyRestart, KillDashNineWhileFiringTriggersOnceAndStillResolves) {
  TempDir dir;
  PagerDutyStandIn pagerduty;
  write_file(dir.file("routing-key"), std::string(kRoutingKey) + "\n");
  write_file(dir.file("llm.rules.yml"), kRules);
  write_file(dir.file("calls.log"), llm_calls(3, 1));
  write_file(
      dir.file("specwatch.yaml"),
      test_config(
          dir.file("state"),
          ndjson_source("calls", dir.file("calls.log"),
                        "    profile: genai\n    checkpoint: false\n"),
          rules_section(dir) + "notifiers:\n  - type: pagerduty\n    name: oncall\n    url: " +
              pagerduty.url() + "\n    routing_key_file: \"" + dir.file("routing-key") + "\"\n"));

  std::string active_at;
  {
    SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("run1.out"));
    const std::uint16_t port = sidecar.wait_started();
    ASSERT_NE(port, 0) << sidecar.log();
    ASSERT_TRUE(pagerduty.wait_accepted(1)) << sidecar.log();
    // The kill comes after the ledger recorded the trigger (written right after PagerDuty's 202;
    // a kill before that write is the documented window in which the trigger is sent again).
    ASSERT_TRUE(wait_until([&] {
      return read_file(dir.file("state/notifier-oncall.json")).find("\"firing\":true") !=
             std::string::npos;
    })) << sidecar.log();
    auto alert = listed_alert(port, "LLMCallsMostlyFailing");
    ASSERT_TRUE(alert.has_value());
    active_at = alert->active_at;
    sidecar.send_signal(SIGKILL);
    EXPECT_EQ(sidecar.wait_exit().signal, SIGKILL);
  }
  const std::string dedup_key = pagerduty_events(pagerduty).at(0).dedup_key;

  SidecarProcess again(dir.file("specwatch.yaml"), dir.file("run2.out"));
  const std::uint16_t port = again.wait_started();
  ASSERT_NE(port, 0) << again.log();
  ASSERT_TRUE(wait_until([&] { return listed_alert(port, "LLMCallsMostlyFailing").has_value(); }))
      << again.log();
  auto restored = listed_alert(port, "LLMCallsMostlyFailing");
  EXPECT_EQ(restored->state, "firing");
  EXPECT_EQ(restored->active_at, active_at);
  // Three evaluation cycles of the restarted sidecar, each handing the firing alert to the
  // notifier: the ledger says it was triggered, so nothing is sent.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(pagerduty.requests().size(), 1u);
  EXPECT_EQ(listed_alert(port, "LLMCallsMostlyFailing")->state, "firing");

  append_file(dir.file("calls.log"), llm_calls(0, 5));
  ASSERT_TRUE(wait_for_resolve(pagerduty, std::chrono::seconds(20))) << again.log();
  // One more cycle: the resolve is not repeated.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const auto events = pagerduty_events(pagerduty);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].action, "trigger");
  EXPECT_EQ(events[1].action, "resolve");
  EXPECT_EQ(events[1].dedup_key, dedup_key);
  EXPECT_EQ(pagerduty.requests().size(), 2u);
  EXPECT_TRUE(pagerduty.open_incidents().empty());
  again.send_signal(SIGTERM);
  EXPECT_EQ(again.wait_exit().exit_code, 0);
}

}  // namespace
}  // namespace specwatch::testing
