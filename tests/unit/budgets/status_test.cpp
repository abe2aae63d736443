#include <gtest/gtest.h>

#include "sidecar/status/component_figures.h"
#include "sidecar/status/status_json.h"
#include "sidecar/status/status_page.h"
#include "sidecar/status/status_text.h"

namespace specwatch {
namespace {

StatusSnapshot sample() {
  StatusSnapshot snapshot;
  snapshot.now_s = 1796385600;
  snapshot.components = {{"source", "specular-traces", true, "", ""},
                         {"exporter", "archive", false, "cannot open /x", ""},
                         {"exporter", "search", true, "", "cannot connect to es:9200"}};
  BudgetStatus budget;
  budget.name = "specular-daily";
  budget.unit = "usd";
  budget.window = "day";
  budget.time_zone = "Europe/Berlin";
  budget.spent = 15.1;
  budget.limit = 20.0;
  budget.utilization = 0.755;
  budget.forecast = 27.4;
  budget.period_end_s = 1796425200;
  budget.thresholds = {{50, "warning", true, 1796380000}, {100, "critical", false, 0}};
  snapshot.budgets = {budget};
  StatusAlert alert;
  alert.state = "firing";
  alert.labels = {{"alertname", "BudgetThreshold"},
                  {"budget", "specular-daily"},
                  {"severity", "warning"},
                  {"threshold", "75"}};
  alert.annotations = {{"summary", "specular-daily: <b> 76 %"}};
  alert.origin = "budgets";
  StatusAlert rule;
  rule.state = "pending";
  rule.labels = {{"alertname", "EventsSeen"}, {"severity", "warning"}};
  rule.annotations = {{"summary", "3 events from a"}};
  rule.starts_at_s = 1796385000;
  rule.origin = "rules";
  snapshot.alerts = {alert, rule};
  snapshot.components[0].paths = {"/var/log/specular/*.jsonl"};
  snapshot.components[0].files = 2;
  snapshot.components[0].lag_bytes = 0;
  snapshot.components[0].events = 41;
  snapshot.components[0].errors = {{"invalid_json", 1}};
  snapshot.components[1].outcomes = {{"received", 40}, {"sent", 37}, {"failed", 3}};
  snapshot.components[1].queue = 5;
  return snapshot;
}

TEST(StatusPage, ShowsBudgetsAlertsAndComponentsEscaped) {
  const std::string html = render_status_page(sample(), 7);
  EXPECT_NE(html.find("<meta http-equiv=\"refresh\" content=\"7\">"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"spent\">$15.10</td><td class=\"limit\">$20.00</td>"
                      "<td class=\"utilization\">76 %</td><td class=\"forecast\">$27.40</td>"),
            std::string::npos);
  EXPECT_NE(html.find("specular-daily: &lt;b&gt; 76 %"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"bad\">cannot open /x</td>"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"source\" id=\"source-specular-traces\"><td "
                      "class=\"name\">specular-traces</td><td class=\"ok\">ready</td><td "
                      "class=\"files\">2</td><td class=\"paths\">/var/log/specular/*.jsonl</td>"
                      "<td class=\"lag\">0</td><td class=\"events\">41</td><td "
                      "class=\"errors\">invalid_json 1</td></tr>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<tr class=\"exporter\" id=\"exporter-archive\"><td "
                      "class=\"name\">archive</td><td class=\"bad\">cannot open /x</td><td "
                      "class=\"sent\">37</td><td class=\"failed\">3</td><td "
                      "class=\"dropped\">0</td><td class=\"queue\">5</td><td "
                      "class=\"spool\">-</td></tr>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td class=\"name\">EventsSeen</td><td class=\"severity\">warning</td>"
                      "<td class=\"warn-text\">pending</td><td class=\"summary\">3 events from "
                      "a</td><td class=\"origin\">rules</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td class=\"ok\">ready <span class=\"peer\">peer unreachable: cannot "
                      "connect to es:9200</span></td>"),
            std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);  // no external asset
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

TEST(StatusText, PlainWithoutColourAndColouredOnRequest) {
  const std::string plain = render_status_text(sample(), false);
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  EXPECT_NE(plain.find("  specular-daily (day)  [###############.....]  76 %  $15.10 of $20.00, "
                       "forecast $27.40\n"),
            std::string::npos);
  EXPECT_NE(plain.find("  specular-traces  ready  files 2  lag 0 bytes  events 41  errors "
                       "invalid_json 1  /var/log/specular/*.jsonl\n"),
            std::string::npos)
      << plain;
  EXPECT_NE(plain.find("  archive  cannot open /x  sent 37  failed 3  dropped 0  queue 5\n"),
            std::string::npos)
      << plain;
  EXPECT_NE(plain.find("  firing   BudgetThreshold warning  specular-daily: <b> 76 %\n"
                       "  pending  EventsSeen warning  3 events from a\n"),
            std::string::npos)
      << plain;
  // An exporter whose peer is away is ready (its events wait in the spool) and says so.
  EXPECT_NE(
      plain.find("  search  ready  sent 0  failed 0  dropped 0  peer unreachable: cannot connect "
                 "to es:9200\n"),
      std::string::npos);
  const std::string coloured = render_status_text(sample(), true);
  EXPECT_NE(coloured.find("\x1b[33m[###############.....]\x1b[0m"), std::string::npos);
}

TEST(StatusJson, RoundTrips) {
  std::string error;
  auto parsed = parse_status_json(status_json(sample()), error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(status_json(*parsed), status_json(sample()));
  EXPECT_NE(status_json(sample()).find("\"name\":\"search\",\"ready\":true,\"reason\":\"\","
                                       "\"peer_reachable\":false,\"peer_error\":\"cannot connect "
                                       "to es:9200\""),
            std::string::npos);
  EXPECT_FALSE(parse_status_json("[]", error));
  EXPECT_EQ(error, "not a status document");
}

TEST(StatusSnapshot, ListsFiringThenPendingThenResolvedAlertsOfEveryProducer) {
  StatusInputs inputs;
  auto alert = [](std::string state, std::string name) {
    StatusAlert a;
    a.state = std::move(state);
    a.labels = {{"alertname", std::move(name)}};
    return a;
  };
  inputs.alerts.push_back([&] {
    return std::vector<StatusAlert>{alert("resolved", "BudgetThreshold"),
                                    alert("firing", "BudgetThreshold")};
  });
  inputs.alerts.push_back([&] {
    return std::vector<StatusAlert>{alert("pending", "EventsSeen"), alert("firing", "Errors")};
  });
  const StatusSnapshot snapshot = take_status_snapshot(inputs);
  std::vector<std::string> order;
  for (const StatusAlert& a : snapshot.alerts)
    order.push_back(a.state + " " + a.label("alertname"));
  EXPECT_EQ(order, (std::vector<std::string>{"firing BudgetThreshold", "firing Errors",
                                             "pending EventsSeen", "resolved BudgetThreshold"}));
}

TEST(StatusSnapshot, BudgetAlertKeepsItsTimesAndState) {
  AlertNotification notification;
  notification.labels = {{"alertname", "BudgetThreshold"}};
  notification.status = AlertNotification::Status::kResolved;
  notification.starts_at = std::chrono::system_clock::from_time_t(1796380000);
  notification.ends_at = std::chrono::system_clock::from_time_t(1796385600);
  notification.origin = "budgets";
  const StatusAlert alert = status_alert(notification);
  EXPECT_EQ(alert.state, "resolved");
  EXPECT_EQ(alert.starts_at_s, 1796380000);
  EXPECT_EQ(alert.ends_at_s, 1796385600);
  EXPECT_EQ(alert.origin, "budgets");
}

prometheus::MetricFamily family(
    const char* name, prometheus::MetricType type,
    std::vector<std::pair<std::vector<prometheus::ClientMetric::Label>, double>> series) {
  prometheus::MetricFamily f;
  f.name = name;
  f.type = type;
  for (auto& [labels, value] : series) {
    prometheus::ClientMetric metric;
    metric.label = labels;
    (type == prometheus::MetricType::Counter ? metric.counter.value : metric.gauge.value) = value;
    f.metric.push_back(std::move(metric));
  }
  return f;
}

TEST(ComponentFigures, AreTheValuesOfTheMetricFamilies) {
  using prometheus::MetricType;
  std::vector<ComponentHealth> components = {{"source", "calls", true, ""},
                                             {"source", "quiet", true, ""},
                                             {"exporter", "archive", true, ""},
                                             {"exporter", "calls", true, ""}};
  const std::vector<prometheus::MetricFamily> families = {
      family("specwatch_source_files", MetricType::Gauge,
             {{{{"source", "calls"}}, 2}, {{{"source", "quiet"}}, 0}}),
      family("specwatch_source_lag_bytes", MetricType::Gauge, {{{{"source", "calls"}}, 1234}}),
      family("specwatch_source_events_total", MetricType::Counter,
             {{{{"source", "calls"}}, 17}, {{{"source", "otlp-http"}}, 5}}),
      family("specwatch_source_errors_total", MetricType::Counter,
             {{{{"reason", "read_error"}, {"source", "calls"}}, 0},
              {{{"reason", "missing_field"}, {"source", "calls"}}, 2},
              {{{"reason", "invalid_json"}, {"source", "calls"}}, 1}}),
      family("specwatch_component_events_total", MetricType::Counter,
             {{{{"component", "archive"}, {"kind", "sink"}, {"outcome", "failed"}}, 3},
              {{{"component", "archive"}, {"kind", "sink"}, {"outcome", "sent"}}, 37},
              {{{"component", "archive"}, {"kind", "sink"}, {"outcome", "received"}}, 40},
              {{{"component", "calls"}, {"kind", "stage"}, {"outcome", "sent"}}, 99}}),
      family("specwatch_component_queue_events", MetricType::Gauge,
             {{{{"component", "archive"}}, 5}}),
      family("specwatch_component_spool_bytes", MetricType::Gauge,
             {{{{"component", "calls"}}, 4096}}),
      family("specwatch_llm_calls_total", MetricType::Counter, {{{{"source", "calls"}}, 8}})};
  add_component_figures(components, families);

  const ComponentHealth& calls = components[0];
  EXPECT_EQ(calls.files, 2);
  EXPECT_EQ(calls.lag_bytes, 1234);
  EXPECT_EQ(calls.events, 17);
  EXPECT_EQ(calls.errors, (NamedCounts{{"invalid_json", 1}, {"missing_field", 2}}));
  EXPECT_EQ(calls.error_total(), 3);
  EXPECT_TRUE(calls.outcomes.empty());  // a stage of the same name is not the source
  EXPECT_EQ(calls.queue, std::nullopt);
  const ComponentHealth& quiet = components[1];
  EXPECT_EQ(quiet.files, 0);
  EXPECT_EQ(quiet.lag_bytes, std::nullopt);
  EXPECT_TRUE(quiet.errors.empty());
  const ComponentHealth& archive = components[2];
  EXPECT_EQ(archive.outcomes, (NamedCounts{{"received", 40}, {"sent", 37}, {"failed", 3}}));
  EXPECT_EQ(archive.queue, 5);
  EXPECT_EQ(archive.spool_bytes, std::nullopt);
  EXPECT_EQ(archive.files, std::nullopt);
  EXPECT_EQ(components[3].spool_bytes, 4096);
  EXPECT_TRUE(components[3].outcomes.empty());
}

}  // namespace
}  // namespace specwatch
