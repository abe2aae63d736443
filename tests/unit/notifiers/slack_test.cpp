// The Slack notifier against the strict incoming-webhook stand-in: the exact firing and resolved
// messages, repeats only after repeat_interval, and 429 answers waited out as Retry-After says.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "exporters/slack/slack_factory.h"
#include "exporters/slack/slack_message.h"
#include "tests/support/notifiers/notification_stand_ins.h"
#include "tests/unit/notifiers/notifier_test_support.h"

namespace specwatch {
namespace {

using testing::firing_alert;

class SlackTest : public ::testing::Test {
 protected:
  SlackTest() { testing::write_text(url_file(), stand_in_.url() + "\n"); }

  std::string url_file() const { return dir_.file("slack-url"); }

  std::unique_ptr<QueuedNotifier> make() {
    SlackConfig config;
    config.common = testing::fast_common();
    std::string error;
    config.common.match = {*parse_label_matcher("severity=\"warning\"", error)};
    config.webhook_url_file = url_file();
    NotifierServices services{registry_, log_.logger, dir_.file("state")};
    services.now = [this] { return clock_.now(); };
    auto notifier = make_slack_notifier("chat", config, services);
    notifier->start();
    return notifier;
  }

  void notify(QueuedNotifier& notifier, std::vector<AlertNotification> alerts) {
    notifier.notify(alerts);
  }

  static rapidjson::Document parse(const std::string& body) {
    rapidjson::Document doc;
    doc.Parse(body.c_str());
    return doc;
  }
  static std::string header_of(const std::string& body) {
    return parse(body)["blocks"][0]["text"]["text"].GetString();
  }

  testing::ScratchDir dir_;
  prometheus::Registry registry_;
  testing::LogCapture log_;
  testing::TestClock clock_;
  testing::SlackStandIn stand_in_;
};

TEST_F(SlackTest, FiringMessageSaysWhatWhereHowBadSinceWhenAndLinksTheRunbook) {
  auto notifier = make();
  notify(*notifier, {firing_alert("SlowResponses", "warning")});
  ASSERT_TRUE(stand_in_.wait_accepted(1));
  EXPECT_TRUE(stand_in_.invalid().empty());
  EXPECT_EQ(
      stand_in_.accepted()[0].body,
      R"({"text":"[FIRING] SlowResponses: SlowResponses on pod-a:9464","blocks":[)"
      R"({"type":"header","text":{"type":"plain_text","text":"FIRING: SlowResponses"}},)"
      R"({"type":"section","text":{"type":"mrkdwn","text":"SlowResponses on pod-a:9464"}},)"
      R"({"type":"section","fields":[{"type":"mrkdwn","text":"*Severity*\nwarning"},)"
      R"({"type":"mrkdwn","text":"*Where*\nservice=specular, job=specwatch, instance=pod-a:9464"},)"
      R"({"type":"mrkdwn","text":"*Value*\n0.25"},)"
      R"({"type":"mrkdwn","text":"*Since*\n2026-01-02T03:04:05.000Z"}]},)"
      R"({"type":"section","text":{"type":"mrkdwn","text":"<https://runbooks.example/SlowResponses|Runbook> · <http://specwatch:9464/api/v1/alerts|Alert state>"}}]})");
}

TEST_F(SlackTest, ResolvedMessageFollowsAndSaysWhenItResolved) {
  auto notifier = make();
  const AlertNotification alert = firing_alert("SlowResponses", "warning");
  notify(*notifier, {alert});
  notify(*notifier, {testing::resolved(alert)});
  ASSERT_TRUE(stand_in_.wait_accepted(2));
  notifier->stop(5000);
  const auto requests = stand_in_.requests();
  ASSERT_EQ(requests.size(), 2u);
  rapidjson::Document message = parse(requests[1].body);
  EXPECT_STREQ(message["text"].GetString(),
               "[RESOLVED] SlowResponses: SlowResponses on pod-a:9464");
  EXPECT_EQ(header_of(requests[1].body), "RESOLVED: SlowResponses");
  const auto& fields = message["blocks"][2]["fields"];
  ASSERT_EQ(fields.Size(), 5u);
  EXPECT_STREQ(fields[4]["text"].GetString(), "*Resolved*\n2026-01-02T03:14:05.000Z");
}

TEST_F(SlackTest, FiringAlertsAreRepeatedOnlyAfterRepeatInterval) {
  auto notifier = make();
  const AlertNotification a = firing_alert("SlowResponses", "warning");
  const AlertNotification b = firing_alert("QueueBacklog", "warning");
  notify(*notifier, {a});
  ASSERT_TRUE(stand_in_.wait_accepted(1));
  clock_.advance(std::chrono::hours(1));
  notify(*notifier, {a, b});  // a was sent an hour ago: only the new b
  ASSERT_TRUE(stand_in_.wait_accepted(2));
  clock_.advance(std::chrono::hours(3));
  notify(*notifier, {a, b});  // 4 h since a (repeat_interval), 3 h since b
  ASSERT_TRUE(stand_in_.wait_accepted(3));
  notifier->stop(5000);
  const auto requests = stand_in_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(header_of(requests[0].body), "FIRING: SlowResponses");
  EXPECT_EQ(header_of(requests[1].body), "FIRING: QueueBacklog");
  EXPECT_EQ(header_of(requests[2].body), "FIRING: SlowResponses");
}

TEST_F(SlackTest, A429WaitsAsRetryAfterSays) {
  stand_in_.answer_next({{429, 1}});
  auto notifier = make();
  notify(*notifier, {firing_alert("SlowResponses", "warning")});
  ASSERT_TRUE(stand_in_.wait_accepted(1));
  notifier->stop(5000);
  const auto requests = stand_in_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].answered, 429u);
  // The retry policy alone would wait 10..20 ms; Retry-After: 1 makes it a second.
  EXPECT_GE(requests[1].at - requests[0].at, std::chrono::milliseconds(1000));
  EXPECT_EQ(testing::notifications(registry_, "chat", "retried"), 1);
  EXPECT_EQ(testing::notifications(registry_, "chat", "sent"), 1);
}

TEST_F(SlackTest, OnlyMatchingAlertsAreTakenAndTheUrlIsNeverLogged) {
  stand_in_.answer_next({{400, std::nullopt}});
  auto notifier = make();
  notify(*notifier, {firing_alert("Down", "critical")});
  EXPECT_TRUE(notifier->routes(firing_alert("Down", "warning")));
  EXPECT_FALSE(notifier->routes(firing_alert("Down", "critical")));
  notify(*notifier, {firing_alert("SlowResponses", "warning")});
  ASSERT_TRUE(testing::wait_until_value(registry_, "chat", "failed", 1));
  notifier->stop(5000);
  EXPECT_EQ(stand_in_.requests().size(), 1u);
  const std::string log = log_.all();
  EXPECT_NE(log.find("Slack message not delivered"), std::string::npos) << log;
  EXPECT_EQ(log.find("stand-in-secret"), std::string::npos) << log;
}

TEST(SlackMessage, EscapesMrkdwnAndStaysWithinSlackLimits) {
  AlertNotification alert = firing_alert(std::string(200, 'A'), "warning");
  alert.annotations = {{"summary", "p99 > 2s & rising <fast>"}};
  alert.generator_url.clear();
  rapidjson::Document message;
  const std::string body = slack_message(alert);
  message.Parse(body.c_str());
  const std::string header = message["blocks"][0]["text"]["text"].GetString();
  EXPECT_EQ(header.size(), 150u);
  EXPECT_EQ(header.substr(147), "...");
  EXPECT_STREQ(message["blocks"][1]["text"]["text"].GetString(),
               "p99 &gt; 2s &amp; rising &lt;fast&gt;");
  EXPECT_EQ(message["blocks"].Size(), 3u);  // no links section without runbook or state URL
}

}  // namespace
}  // namespace specwatch
