// The real binary with a `notifiers:` section: /ready names a notifier that cannot read its
// secret, a reload rebuilds it, its self-metrics are served, and `specwatch validate` reports a
// bad entry with file, line and column.
#include <gtest/gtest.h>
#include <signal.h>

#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"
#include "tests/support/http/http_client.h"

namespace specwatch::testing {
namespace {

std::string notifier_config(const TempDir& dir) {
  return test_config(dir.file("state"), ndjson_source("app", dir.file("*.log")),
                     "notifiers:\n"
                     "  - type: pagerduty\n"
                     "    name: oncall\n"
                     "    url: http://127.0.0.1:9/v2/enqueue\n"
                     "    routing_key_file: \"" +
                         dir.file("routing-key") + "\"\n");
}

TEST(DaemonNotifiers, ReadyNamesANotifierWithoutItsSecretAndAReloadRebuildsIt) {
  TempDir dir;
  write_file(dir.file("app.log"), event_line(1));
  write_file(dir.file("specwatch.yaml"), notifier_config(dir));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  const std::uint16_t port = sidecar.wait_started();
  ASSERT_NE(port, 0) << sidecar.log();
  const std::string expected =
      "{\"status\":\"not ready\",\"waiting_for\":[{\"component\":\"notifier/oncall\","
      "\"reason\":\"cannot read routing key file " +
      dir.file("routing-key") + ": No such file or directory\"}]}";
  HttpResponse ready;
  ASSERT_TRUE(wait_until([&] {
    ready = http_get(port, "/ready");
    return ready.body == expected;
  })) << ready.body;
  EXPECT_EQ(ready.status, 503);
  const std::string metrics = http_get(port, "/metrics").body;
  EXPECT_NE(metrics.find("specwatch_notifications_total{notifier=\"oncall\",outcome=\"sent\"} 0"),
            std::string::npos);
  EXPECT_NE(metrics.find("specwatch_component_queue_events{component=\"oncall\"} 0"),
            std::string::npos);

  write_file(dir.file("routing-key"), "R0UT1NGKEY0123456789abcdefABCDEF\n");
  sidecar.send_signal(SIGHUP);
  ASSERT_TRUE(wait_until([&] { return http_get(port, "/ready").status == 200; }))
      << http_get(port, "/ready").body;
  EXPECT_EQ(http_get(port, "/metrics").body.find("R0UT1NGKEY"), std::string::npos);
  sidecar.send_signal(SIGTERM);
  EXPECT_EQ(sidecar.wait_exit().exit_code, 0);
  EXPECT_EQ(sidecar.log().find("R0UT1NGKEY"), std::string::npos);
}

TEST(DaemonNotifiers, ValidateReportsABadNotifierWithItsPlace) {
  TempDir dir;
  write_file(dir.file("specwatch.yaml"),
             test_config(dir.file("state"), ndjson_source("app", dir.file("*.log")),
                         "notifiers:\n  - type: slack\n    name: chat\n"
                         "    webhook_url_file: /s\n    repeat_interval: soon\n"));
  ProcessResult result = run_specwatch({"validate", "--config", dir.file("specwatch.yaml")});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_NE(result.output.find(dir.file("specwatch.yaml") +
                               ":17:22: notifiers[0].repeat_interval: expected a duration such as "
                               "30s, 5m or 4h (got \"soon\")"),
            std::string::npos)
      << result.output;
}

}  // namespace
}  // namespace specwatch::testing
