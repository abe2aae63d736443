#include <gtest/gtest.h>

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
  AlertNotification alert;
  alert.labels = {{"alertname", "BudgetThreshold"},
                  {"budget", "specular-daily"},
                  {"severity", "warning"},
                  {"threshold", "75"}};
  alert.annotations = {{"summary", "specular-daily: <b> 76 %"}};
  snapshot.alerts = {alert};
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
  EXPECT_NE(plain.find("  archive  cannot open /x\n"), std::string::npos);
  // An exporter whose peer is away is ready (its events wait in the spool) and says so.
  EXPECT_NE(plain.find("  search  ready  peer unreachable: cannot connect to es:9200\n"),
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

}  // namespace
}  // namespace specwatch
