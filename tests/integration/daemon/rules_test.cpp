// The rule evaluator in the real binary: input makes an alert pending, then firing, visible in
// /api/v1/alerts, /api/v1/rules and specwatch_alerts; kill -9 while it fires, and the restarted
// sidecar reports it firing with the same activeAt (never pending again). Bad rule files are
// refused by `specwatch validate` with file:line:column; `specwatch alerts` prints the table.
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"
#include "tests/support/http/http_client.h"

namespace specwatch::testing {
namespace {

constexpr const char* kRules = R"(groups:
  - name: input
    interval: 1s
    rules:
      - record: source:events:sum
        expr: sum by (job, instance, source) (specwatch_source_events_total{source="a"})
      - alert: EventsSeen
        expr: 'source:events:sum >= 3'
        for: 3s
        labels:
          severity: warning
        annotations:
          summary: '{{ $value }} events from {{ $labels.source }} on {{ $labels.instance }}'
      - alert: ServiceDown
        expr: up{job="spek"} == 0
)";

std::string rules_config(TempDir& dir) {
  // checkpoint: false reads the file again after a restart, so the series come back.
  return test_config(dir.file("state"),
                     ndjson_source("a", dir.file("*.log"), "    checkpoint: false\n"),
                     "rules:\n  files: [\"" + dir.file("*.rules.yml") +
                         "\"]\n  evaluation_interval: 1s\n  instance: sidecar-1\n");
}

struct AlertSeen {
  std::string state;
  std::string active_at;
};

// The EventsSeen alert in /api/v1/alerts, if listed.
std::optional<AlertSeen> events_seen(std::uint16_t port) {
  HttpResponse r = http_get(port, "/api/v1/alerts");
  if (r.status != 200) return std::nullopt;
  std::smatch m;
  static const std::regex alert(
      R"re(\{"labels":\{"alertname":"EventsSeen","instance":"sidecar-1","job":"specwatch","severity":"warning","source":"a"\},"annotations":\{"summary":"3 events from a on sidecar-1"\},"state":"(pending|firing)","activeAt":"([0-9T:.Z-]+)","value":"3e\+00"\})re");
  if (!std::regex_search(r.body, m, alert)) return std::nullopt;
  return AlertSeen{m[1], m[2]};
}

TEST(Rules, InputMakesAnAlertFireAndAKillDashNineKeepsItFiring) {
  TempDir dir;
  write_file(dir.file("alerts.rules.yml"), kRules);
  write_file(dir.file("input.log"), event_line(1) + event_line(2) + event_line(3));
  const std::string config = dir.file("specwatch.yaml");
  write_file(config, rules_config(dir));

  std::string active_at;
  {
    SidecarProcess sidecar(config, dir.file("run1.out"));
    const std::uint16_t port = sidecar.wait_started();
    ASSERT_NE(port, 0) << sidecar.log();
    ASSERT_TRUE(wait_until([&] {
      auto a = events_seen(port);
      return a && a->state == "pending";
    })) << http_get(port, "/api/v1/alerts").body;
    ASSERT_TRUE(wait_until([&] {
      auto a = events_seen(port);
      return a && a->state == "firing";
    })) << http_get(port, "/api/v1/alerts").body;
    active_at = events_seen(port)->active_at;
    ASSERT_TRUE(wait_until([&] {
      return value_of(scrape(port),
                      "specwatch_alerts{alertname=\"EventsSeen\",alertstate=\"firing\","
                      "instance=\"sidecar-1\",job=\"specwatch\",severity=\"warning\","
                      "source=\"a\"}") == 1.0;
    }));
    // The Prometheus-only rule is listed, not evaluated, with the reason.
    const std::string rules = http_get(port, "/api/v1/rules").body;
    EXPECT_NE(
        rules.find(R"("name":"ServiceDown","query":"up{job=\"spek\"} == 0","duration":0.0,)"
                   R"("keepFiringFor":0.0,"labels":{},"annotations":{},"alerts":[],)"
                   R"("health":"unknown","lastError":"not evaluated in the sidecar: )"
                   R"(selects job=\"spek\"; the sidecar's own series carry job=\"specwatch\"")"),
        std::string::npos)
        << rules;
    EXPECT_NE(rules.find(R"("name":"source:events:sum")"), std::string::npos);
    ProcessResult table =
        run_specwatch({"alerts", "--url", "http://127.0.0.1:" + std::to_string(port)});
    EXPECT_EQ(table.exit_code, 0) << table.output;
    EXPECT_NE(table.output.find("firing   EventsSeen"), std::string::npos) << table.output;
    EXPECT_NE(table.output.find("1 alerts\n"), std::string::npos) << table.output;
    sidecar.send_signal(SIGKILL);
    sidecar.wait_exit();
  }
  SidecarProcess again(config, dir.file("run2.out"));
  const std::uint16_t port = again.wait_started();
  ASSERT_NE(port, 0) << again.log();
  // Listed again as soon as the first evaluation ran, firing from the start with the same
  // activeAt: restored, not pending anew.
  std::optional<AlertSeen> first;
  ASSERT_TRUE(wait_until([&] {
    first = events_seen(port);
    return first.has_value();
  })) << again.log();
  EXPECT_EQ(first->state, "firing");
  EXPECT_EQ(first->active_at, active_at);
  EXPECT_NE(again.log().find("\"msg\":\"alert states restored\""), std::string::npos);
}

TEST(Rules, ValidateNamesEachBadRuleWithFileLineAndColumn) {
  TempDir dir;
  write_file(dir.file("bad.rules.yml"),
             "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: nope(x)\n"
             "      - record: r\n        expr: sum(x\n      - alert: B\n        expr: x > 1\n"
             "        annotations:\n          d: '{{ $value | nosuch }}'\n");
  const std::string config = dir.file("specwatch.yaml");
  write_file(config, rules_config(dir));
  ProcessResult r = run_specwatch({"validate", "--config", config});
  EXPECT_EQ(r.exit_code, 2);
  const std::string file = dir.file("bad.rules.yml");
  EXPECT_NE(r.output.find(file + ":5:15: groups[0].rules[0].expr: could not parse expression: "
                                 "1:1: parse error: unknown function with name \"nope\"\n"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(file + ":7:15: groups[0].rules[1].expr: could not parse expression: "
                                 "1:6: parse error: unexpected end of input, expected \")\"\n"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find(file + ":11:14: groups[0].rules[2].annotations.d: template: __alert_B:1: "
                                 "function \"nosuch\" not defined\n"),
            std::string::npos)
      << r.output;
}

TEST(Rules, EveryBundledTestFilePassesUnderRulesTest) {
  std::vector<std::string> args = {"rules", "test"};
  for (const char* name : {"llm", "sidecar", "spec-agents", "specular", "specweaver", "spek"}) {
    args.push_back(std::string(SPECWATCH_SOURCE_DIR) + "/alerts/tests/" + name + ".test.yml");
  }
  // The rules generated from the bundled budgets (specwatch rules export) and their test.
  args.push_back(std::string(SPECWATCH_SOURCE_DIR) + "/rules/tests/budgets.test.yml");
  ProcessResult r = run_specwatch(args);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  size_t successes = 0;
  for (size_t at = r.output.find("  SUCCESS\n"); at != std::string::npos;
       at = r.output.find("  SUCCESS\n", at + 1))
    ++successes;
  EXPECT_EQ(successes, 7u) << r.output;
  EXPECT_EQ(r.output.find("FAILED"), std::string::npos) << r.output;
  // Rules over series only Prometheus has are skipped, and say why; the sidecar's own are run.
  EXPECT_NE(r.output.find("  SKIPPED alertname: SPEKServiceDown at 1m: Prometheus-only: selects "
                          "job=\"spek\"; the sidecar's own series carry job=\"specwatch\"\n"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("  SKIPPED alertname: SPEKByzantineConsensusFailure at 3m: "
                          "Prometheus-only: the sidecar has no series named "
                          "spek_byzantine_consensus_score\n"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("SKIPPED alertname: SpecularCostExceeded"), std::string::npos);
  EXPECT_EQ(r.output.find("SKIPPED alertname: SpecwatchSourceStalled"), std::string::npos);
}

TEST(Rules, CheckListsEveryRuleWithItsScope) {
  TempDir dir;
  write_file(dir.file("alerts.rules.yml"), kRules);
  const std::string config = dir.file("specwatch.yaml");
  write_file(config, rules_config(dir));
  ProcessResult r = run_specwatch({"rules", "check", "--config", config});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  const std::string file = dir.file("alerts.rules.yml");
  EXPECT_EQ(r.output,
            file +
                ":5:9\tsource:events:sum\trecord\tin-sidecar\tevery series it selects is the "
                "sidecar's own\n" +
                file +
                ":7:9\tEventsSeen\talert\tin-sidecar\tevery series it selects is the "
                "sidecar's own\n" +
                file +
                ":14:9\tServiceDown\talert\tprometheus-only\tselects job=\"spek\"; the "
                "sidecar's own series carry job=\"specwatch\"\n"
                "3 rules: 2 in-sidecar, 1 Prometheus-only\n");
}

}  // namespace
}  // namespace specwatch::testing
