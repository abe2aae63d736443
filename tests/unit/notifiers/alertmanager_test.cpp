// The Alertmanager notifier against a recording /api/v2/alerts: the postable alerts exactly,
// resends every resend_interval, resolved alerts with endsAt, every URL, and the credentials.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "exporters/alertmanager/alertmanager_delivery.h"
#include "exporters/alertmanager/alertmanager_factory.h"
#include "tests/support/notifiers/notification_stand_ins.h"
#include "tests/unit/notifiers/notifier_test_support.h"

namespace specwatch {
namespace {

using testing::firing_alert;

class AlertmanagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<QueuedNotifier> make(AlertmanagerConfig config) {
    config.common = testing::fast_common();
    if (config.urls.empty()) config.urls = {first_.base_url()};
    NotifierServices services{registry_, log_.logger, ""};
    services.now = [this] { return clock_.now(); };
    auto notifier = make_alertmanager_notifier("am", config, services);
    notifier->start();
    return notifier;
  }
  static std::vector<std::string> names_in(const std::string& body) {
    rapidjson::Document doc;
    doc.Parse(body.c_str());
    std::vector<std::string> names;
    for (const auto& alert : doc.GetArray())
      names.push_back(alert["labels"]["alertname"].GetString());
    return names;
  }

  testing::ScratchDir dir_;
  prometheus::Registry registry_;
  testing::LogCapture log_;
  testing::TestClock clock_;
  testing::JsonStandIn first_{"/api/v2/alerts"};
  testing::JsonStandIn second_{"/api/v2/alerts"};
};

TEST_F(AlertmanagerTest, PostsThePostableAlertsShape) {
  const AlertNotification alert = firing_alert("HighErrorRate", "critical");
  EXPECT_EQ(AlertmanagerDelivery::payload({&alert}),
            R"([{"labels":{"alertname":"HighErrorRate","instance":"pod-a:9464","job":"specwatch",)"
            R"("service":"specular","severity":"critical"},"annotations":{"runbook_url":)"
            R"("https://runbooks.example/HighErrorRate","summary":"HighErrorRate on pod-a:9464"},)"
            R"("startsAt":"2026-01-02T03:04:05.000Z","endsAt":"2026-01-02T03:08:05.000Z",)"
            R"("generatorURL":"http://specwatch:9464/api/v1/alerts"}])");
}

TEST_F(AlertmanagerTest, ResendsEveryResendIntervalAndSendsResolvedAtOnce) {
  AlertmanagerConfig config;
  config.resend_interval = std::chrono::minutes(1);
  auto notifier = make(config);
  const AlertNotification a = firing_alert("HighErrorRate", "critical");
  const AlertNotification b = firing_alert("SlowResponses", "warning");
  notifier->notify(std::vector<AlertNotification>{a});
  ASSERT_TRUE(first_.wait_accepted(1));
  clock_.advance(std::chrono::seconds(30));
  notifier->notify(std::vector<AlertNotification>{a, b});  // a sent 30 s ago: only b
  ASSERT_TRUE(first_.wait_accepted(2));
  clock_.advance(std::chrono::seconds(31));
  notifier->notify(std::vector<AlertNotification>{a, b});  // 61 s since a, 31 s since b
  ASSERT_TRUE(first_.wait_accepted(3));
  notifier->notify(std::vector<AlertNotification>{testing::resolved(a), b});  // a resolved now
  ASSERT_TRUE(first_.wait_accepted(4));
  notifier->stop(5000);
  const auto requests = first_.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(names_in(requests[0].body), std::vector<std::string>{"HighErrorRate"});
  EXPECT_EQ(names_in(requests[1].body), std::vector<std::string>{"SlowResponses"});
  EXPECT_EQ(names_in(requests[2].body), std::vector<std::string>{"HighErrorRate"});
  EXPECT_EQ(names_in(requests[3].body), std::vector<std::string>{"HighErrorRate"});
  rapidjson::Document resolved;
  resolved.Parse(requests[3].body.c_str());
  EXPECT_STREQ(resolved[0]["endsAt"].GetString(), "2026-01-02T03:14:05.000Z");
}

TEST_F(AlertmanagerTest, EveryAlertmanagerGetsTheAlertsWithBearerToken) {
  testing::write_text(dir_.file("token"), "t0ken-value\n");
  AlertmanagerConfig config;
  config.urls = {first_.base_url(), second_.base_url() + "/"};
  config.bearer_token_file = dir_.file("token");
  auto notifier = make(config);
  const AlertNotification alert = firing_alert("HighErrorRate", "critical");
  notifier->notify(std::span<const AlertNotification>(&alert, 1));
  ASSERT_TRUE(first_.wait_accepted(1));
  ASSERT_TRUE(second_.wait_accepted(1));
  notifier->stop(5000);
  EXPECT_EQ(first_.accepted()[0].header("Authorization"), "Bearer t0ken-value");
  EXPECT_EQ(second_.accepted()[0].path, "/api/v2/alerts");
  EXPECT_EQ(testing::notifications(registry_, "am", "sent"), 2);  // one alert, two destinations
}

TEST_F(AlertmanagerTest, BasicAuthFromAPasswordFile) {
  testing::write_text(dir_.file("password"), "pass");
  AlertmanagerConfig config;
  config.basic_auth_username = "user";
  config.basic_auth_password_file = dir_.file("password");
  auto notifier = make(config);
  const AlertNotification alert = firing_alert("HighErrorRate", "critical");
  notifier->notify(std::span<const AlertNotification>(&alert, 1));
  ASSERT_TRUE(first_.wait_accepted(1));
  notifier->stop(5000);
  EXPECT_EQ(first_.accepted()[0].header("Authorization"), "Basic dXNlcjpwYXNz");  // user:pass
}

TEST_F(AlertmanagerTest, AnAlertNotTakenIsSentAgainAtTheNextEvaluation) {
  first_.answer_next(
      {{500, std::nullopt}, {500, std::nullopt}, {500, std::nullopt}, {500, std::nullopt}});
  auto notifier = make(AlertmanagerConfig{});
  const AlertNotification alert = firing_alert("HighErrorRate", "critical");
  notifier->notify(std::span<const AlertNotification>(&alert, 1));
  ASSERT_TRUE(testing::wait_until_value(registry_, "am", "failed", 1));
  notifier->notify(std::span<const AlertNotification>(&alert, 1));  // not yet taken: sent again
  ASSERT_TRUE(first_.wait_accepted(1));
  notifier->stop(5000);
  EXPECT_EQ(first_.requests().size(), 5u);
}

}  // namespace
}  // namespace specwatch
