// The status of the real binary: each source with its files, lag and errors, each exporter with
// what it delivered, and a firing alert of the rule evaluator beside the budgets, in
// /api/v1/status, on the page (also as headless Chromium renders it) and in `specwatch status`.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "tests/integration/budgets/calls_profile.h"
#include "tests/integration/budgets/chromium_dom.h"
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
      - alert: CallsRead
        expr: specwatch_source_events_total{source="calls"} >= 2
        labels:
          severity: warning
        annotations:
          summary: '{{ $value }} records from {{ $labels.source }}'
)";

class Status : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.file("calls.log"),
               "{\"provider\":\"openai\",\"model\":\"m\",\"cost\":0.25}\n"
               "{\"provider\":\"openai\",\"model\":\"m\",\"cost\":0.5\n"  // no closing brace
               "{\"provider\":\"openai\",\"model\":\"m\",\"cost\":0.125}\n");
    write_file(dir_.file("alerts.rules.yml"), kRules);
    const std::string extra = std::string(kCallsProfile) +
                              "budgets:\n  evaluation_interval_ms: 100\n  list:\n"
                              "    - {name: all-usd, window: month, limit: 1000}\n"
                              "rules:\n  files: [\"" +
                              dir_.file("*.rules.yml") +
                              "\"]\n  evaluation_interval: 1s\n  instance: sidecar-1\n"
                              "exporters:\n  - type: file\n    name: archive\n    path: \"" +
                              dir_.file("events.ndjson") + "\"\n";
    write_file(
        dir_.file("specwatch.yaml"),
        test_config(dir_.file("state"),
                    ndjson_source("calls", dir_.file("calls.log"), "    profile: calls\n"), extra));
    sidecar_ =
        std::make_unique<SidecarProcess>(dir_.file("specwatch.yaml"), dir_.file("sidecar.out"));
    port_ = sidecar_->wait_started();
    ASSERT_NE(port_, 0) << sidecar_->log();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The whole file read and checkpointed, its exporter done, the rule alert firing.
  bool settled() {
    rapidjson::Document doc;
    const std::string body = http_get(port_, "/api/v1/status").body;
    doc.Parse(body.c_str());
    if (doc.HasParseError() || !doc.IsObject()) return false;
    bool source_done = false;
    bool exporter_done = false;
    for (const auto& c : doc["data"]["components"].GetArray()) {
      if (std::string(c["kind"].GetString()) == "source" && c["lag_bytes"].IsInt64() &&
          c["lag_bytes"].GetInt64() == 0 && c["events"].IsInt64() && c["events"].GetInt64() == 2) {
        source_done = true;
      }
      if (std::string(c["kind"].GetString()) == "exporter" && c["outcomes"].HasMember("sent") &&
          c["outcomes"]["sent"].GetInt64() == 2) {
        exporter_done = true;
      }
    }
    return source_done && exporter_done &&
           body.find("\"alertname\":\"CallsRead\"") != std::string::npos &&
           body.find("\"state\":\"firing\"") != std::string::npos;
  }

  TempDir dir_;
  std::unique_ptr<SidecarProcess> sidecar_;
  std::uint16_t port_ = 0;
};

TEST_F(Status, ShowsSourcesExportersAndRuleAlerts) {
  ASSERT_TRUE(wait_until([&] { return settled(); })) << http_get(port_, "/api/v1/status").body;
  const std::string paths = "[\"" + dir_.file("calls.log") + "\"]";
  const std::string json = http_get(port_, "/api/v1/status").body;
  EXPECT_NE(json.find("{\"kind\":\"source\",\"name\":\"calls\",\"ready\":true,\"reason\":\"\","
                      "\"paths\":" +
                      paths +
                      ",\"files\":1,\"lag_bytes\":0,\"events\":2,"
                      "\"errors\":{\"invalid_json\":1},\"outcomes\":{},\"queue\":null,"
                      "\"spool_bytes\":null}"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("{\"kind\":\"exporter\",\"name\":\"archive\",\"ready\":true,\"reason\":\"\","
                      "\"peer_reachable\":true,\"peer_error\":\"\",\"paths\":[],\"files\":null,"
                      "\"lag_bytes\":null,\"events\":null,"
                      "\"errors\":{},\"outcomes\":{\"received\":2,\"sent\":2,\"failed\":0,"
                      "\"dropped\":0},\"queue\":0,\"spool_bytes\":null}"),
            std::string::npos)
      << json;
  // The OTLP receivers are sources too, without files.
  EXPECT_NE(json.find("{\"kind\":\"source\",\"name\":\"otlp-http\",\"ready\":true"),
            std::string::npos);
  EXPECT_NE(json.find("{\"labels\":{\"alertname\":\"CallsRead\",\"instance\":\"sidecar-1\","
                      "\"job\":\"specwatch\",\"severity\":\"warning\",\"source\":\"calls\"},"
                      "\"annotations\":{\"summary\":\"2 records from calls\"},\"state\":\"firing\","
                      "\"value\":2.0,"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"origin\":\"rules\"}"), std::string::npos);

  const std::string page = http_get(port_, "/").body;
  EXPECT_NE(page.find("<tr class=\"source\" id=\"source-calls\"><td class=\"name\">calls</td>"
                      "<td class=\"ok\">ready</td><td class=\"files\">1</td><td class=\"paths\">" +
                      dir_.file("calls.log") +
                      "</td><td class=\"lag\">0</td><td class=\"events\">2</td>"
                      "<td class=\"errors\">invalid_json 1</td></tr>"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("<tr class=\"exporter\" id=\"exporter-archive\"><td class=\"name\">archive"
                      "</td><td class=\"ok\">ready</td><td class=\"sent\">2</td><td "
                      "class=\"failed\">0</td><td class=\"dropped\">0</td><td class=\"queue\">0"
                      "</td><td class=\"spool\">-</td></tr>"),
            std::string::npos)
      << page;
  const std::string alert_row =
      "<td class=\"name\">CallsRead</td><td class=\"severity\">warning</td><td "
      "class=\"bad\">firing</td><td class=\"summary\">2 records from calls</td><td "
      "class=\"origin\">rules</td>";
  EXPECT_NE(page.find(alert_row), std::string::npos) << page;

  ProcessResult text = run_specwatch({"status", "--url", url()});
  EXPECT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("  calls  ready  files 1  lag 0 bytes  events 2  errors invalid_json "
                             "1  " +
                             dir_.file("calls.log") + "\n"),
            std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("  archive  ready  sent 2  failed 0  dropped 0  queue 0\n"),
            std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("  firing   CallsRead warning  2 records from calls\n"),
            std::string::npos)
      << text.output;

  // --watch renders again every interval until stopped; piped, without clearing the screen.
  const std::string watched =
      command_output("timeout 2.5 " SPECWATCH_BINARY " status --watch 1 --url " + url());
  std::size_t renderings = 0;
  for (auto at = watched.find("specwatch  as of "); at != std::string::npos;
       at = watched.find("specwatch  as of ", at + 1)) {
    ++renderings;
  }
  EXPECT_GE(renderings, 2u) << watched;
  EXPECT_LE(renderings, 3u) << watched;
  EXPECT_EQ(watched.find('\x1b'), std::string::npos);

  if (!chromium_installed()) {
    GTEST_SKIP() << "chromium is not installed (scripts/setup.sh test installs it)";
  }
  const std::string dom = chromium_dom(url() + "/", dir_.file("chromium-profile"));
  EXPECT_NE(dom.find(alert_row), std::string::npos) << dom;
  EXPECT_NE(dom.find("<td class=\"errors\">invalid_json 1</td>"), std::string::npos) << dom;
}

}  // namespace
}  // namespace specwatch::testing
