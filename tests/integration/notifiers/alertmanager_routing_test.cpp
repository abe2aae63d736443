// Alerts from the Alertmanager notifier reach the right stand-in through a real Alertmanager
// running the bundled alerts/alertmanager.yml: critical → PagerDuty (trigger, then resolve with
// the same dedup_key), warning → Slack (firing, then resolved); neither reaches the other.
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <rapidjson/document.h>

#include <filesystem>

#include "exporters/alertmanager/alertmanager_factory.h"
#include "tests/support/notifiers/alertmanager_process.h"
#include "tests/support/notifiers/notification_stand_ins.h"

namespace specwatch {
namespace {

constexpr const char* kRoutingKey = "R0UT1NGKEY0123456789abcdefABCDEF";

AlertNotification alert(const std::string& name, const std::string& severity) {
  AlertNotification out;
  out.labels = {{"alertname", name},
                {"instance", "pod-a:9464"},
                {"job", "specwatch"},
                {"service", "specular"},
                {"severity", severity}};
  out.annotations = {{"description", name + " is a test alert"},
                     {"runbook_url", "https://runbooks.example/" + name},
                     {"summary", name + " on pod-a:9464"}};
  out.value = 1;
  out.starts_at = std::chrono::system_clock::now() - std::chrono::minutes(1);
  out.ends_at = std::chrono::system_clock::now() + std::chrono::minutes(4);
  out.generator_url = "http://127.0.0.1:9464/api/v1/alerts";
  out.origin = "rules";
  return out;
}

class TempDirectory {
 public:
  TempDirectory() {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/specwatch-am-XXXXXX";
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~TempDirectory() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string event_action(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  return doc["event_action"].GetString();
}

std::string dedup_key(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  return doc["dedup_key"].GetString();
}

TEST(AlertmanagerRouting, AlertsReachTheRightReceiverThroughTheBundledConfigAndResolve) {
  if (!std::filesystem::exists(testing::AlertmanagerProcess::kBinary)) {
    GTEST_SKIP() << "prometheus-alertmanager is not installed (scripts/setup.sh test)";
  }
  TempDirectory dir;
  testing::PagerDutyStandIn pagerduty;
  testing::SlackStandIn slack;
  testing::AlertmanagerProcess alertmanager(dir.path(), SPECWATCH_SOURCE_DIR, pagerduty.url(),
                                            kRoutingKey, slack.url());
  ASSERT_TRUE(alertmanager.wait_ready()) << alertmanager.log();

  prometheus::Registry registry;
  Logger logger(LogLevel::kError);
  AlertmanagerConfig config;
  config.urls = {alertmanager.url()};
  config.resend_interval = std::chrono::seconds(1);
  NotifierServices services{registry, logger, ""};
  auto notifier = make_alertmanager_notifier("alertmanager", config, services);
  notifier->start();

  std::vector<AlertNotification> firing = {alert("SpecwatchTestCritical", "critical"),
                                           alert("SpecwatchTestWarning", "warning")};
  notifier->notify(firing);
  ASSERT_TRUE(pagerduty.wait_accepted(1, std::chrono::seconds(30))) << alertmanager.log();
  ASSERT_TRUE(slack.wait_accepted(1, std::chrono::seconds(30))) << alertmanager.log();
  const std::string trigger = pagerduty.accepted()[0].body;
  EXPECT_EQ(event_action(trigger), "trigger");
  EXPECT_NE(trigger.find("SpecwatchTestCritical in specular"), std::string::npos) << trigger;
  EXPECT_EQ(trigger.find("SpecwatchTestWarning"), std::string::npos) << trigger;
  const std::string message = slack.accepted()[0].body;
  EXPECT_NE(message.find("[FIRING:1] SpecwatchTestWarning (warning) in specular"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("SpecwatchTestCritical"), std::string::npos) << message;

  std::vector<AlertNotification> resolved = firing;
  for (auto& item : resolved) {
    item.status = AlertNotification::Status::kResolved;
    item.ends_at = std::chrono::system_clock::now();
  }
  notifier->notify(resolved);
  ASSERT_TRUE(testing::wait_for_resolve(pagerduty, std::chrono::seconds(30))) << alertmanager.log();
  ASSERT_TRUE(slack.wait_accepted(2, std::chrono::seconds(30))) << alertmanager.log();
  notifier->stop(5000);

  const auto events = pagerduty.accepted();
  EXPECT_EQ(event_action(events.back().body), "resolve");
  EXPECT_EQ(dedup_key(events.back().body), dedup_key(trigger));
  EXPECT_TRUE(pagerduty.open_incidents().empty());
  EXPECT_NE(slack.accepted().back().body.find("[RESOLVED] SpecwatchTestWarning (warning)"),
            std::string::npos)
      << slack.accepted().back().body;
  EXPECT_TRUE(pagerduty.invalid().empty());
  EXPECT_TRUE(slack.invalid().empty());
}

}  // namespace
}  // namespace specwatch
