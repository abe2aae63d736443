// The PagerDuty notifier against the strict Events API v2 stand-in: the exact event, one trigger
// per instance, the resolve with the same dedup_key, retries (429, 5xx) and none on 400, and a
// restart that neither triggers again nor loses the resolve.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "exporters/notifiers_common/alert_identity.h"
#include "exporters/pagerduty/pagerduty_factory.h"
#include "sidecar/core/bounded_queue.h"
#include "tests/support/notifiers/notification_stand_ins.h"
#include "tests/unit/notifiers/notifier_test_support.h"

namespace specwatch {
namespace {

using testing::firing_alert;
using testing::fixed_time;

class PagerDutyTest : public ::testing::Test {
 protected:
  PagerDutyTest() { testing::write_text(key_file(), std::string(testing::kRoutingKey) + "\n"); }

  std::string key_file() const { return dir_.file("routing-key"); }

  std::unique_ptr<QueuedNotifier> make(const std::string& state_dir = "") {
    PagerDutyConfig config;
    config.common = testing::fast_common();
    std::string error;
    config.common.match = {*parse_label_matcher("severity=\"critical\"", error)};
    config.routing_key_file = key_file();
    config.url = stand_in_.url();
    NotifierServices services{registry_, log_.logger, state_dir};
    services.now = [] { return fixed_time(); };
    auto notifier = make_pagerduty_notifier("oncall", config, services);
    notifier->start();
    return notifier;
  }

  static void notify(QueuedNotifier& notifier, const AlertNotification& alert) {
    notifier.notify(std::span<const AlertNotification>(&alert, 1));
  }

  static rapidjson::Document parse(const std::string& body) {
    rapidjson::Document doc;
    doc.Parse(body.c_str());
    return doc;
  }

  testing::ScratchDir dir_;
  prometheus::Registry registry_;
  testing::LogCapture log_;
  testing::PagerDutyStandIn stand_in_;
};

TEST_F(PagerDutyTest, TriggerCarriesEveryDocumentedField) {
  auto notifier = make();
  const AlertNotification alert = firing_alert("HighErrorRate", "critical");
  notify(*notifier, alert);
  ASSERT_TRUE(stand_in_.wait_accepted(1));
  EXPECT_TRUE(stand_in_.invalid().empty());
  rapidjson::Document event = parse(stand_in_.accepted()[0].body);
  EXPECT_STREQ(event["routing_key"].GetString(), testing::kRoutingKey);
  EXPECT_STREQ(event["event_action"].GetString(), "trigger");
  const std::string dedup_key = "specwatch-" + alert_fingerprint(alert.labels);
  EXPECT_EQ(event["dedup_key"].GetString(), dedup_key);
  const auto& payload = event["payload"];
  EXPECT_STREQ(payload["summary"].GetString(), "HighErrorRate on pod-a:9464");
  EXPECT_STREQ(payload["source"].GetString(), "pod-a:9464");
  EXPECT_STREQ(payload["severity"].GetString(), "critical");
  EXPECT_STREQ(payload["timestamp"].GetString(), "2026-01-02T03:04:05.000Z");
  EXPECT_STREQ(payload["component"].GetString(), "specular");
  EXPECT_STREQ(payload["group"].GetString(), "specwatch");
  EXPECT_STREQ(payload["class"].GetString(), "HighErrorRate");
  EXPECT_DOUBLE_EQ(payload["custom_details"]["value"].GetDouble(), 0.25);
  EXPECT_STREQ(payload["custom_details"]["labels"]["severity"].GetString(), "critical");
  EXPECT_STREQ(payload["custom_details"]["labels"]["instance"].GetString(), "pod-a:9464");
  EXPECT_STREQ(payload["custom_details"]["annotations"]["summary"].GetString(),
               "HighErrorRate on pod-a:9464");
  ASSERT_EQ(event["links"].Size(), 1u);
  EXPECT_STREQ(event["links"][0]["href"].GetString(), "https://runbooks.example/HighErrorRate");
  EXPECT_STREQ(event["links"][0]["text"].GetString(), "Runbook");
  EXPECT_STREQ(event["client"].GetString(), "specwatch");
  EXPECT_STREQ(event["client_url"].GetString(), "http://specwatch:9464/api/v1/alerts");
  EXPECT_EQ(stand_in_.open_incidents(), std::set<std::string>{dedup_key});
  // Counted once the notifier has read the answer, which may come after the stand-in accepted.
  ASSERT_TRUE(testing::wait_until_value(registry_, "oncall", "sent", 1));
  EXPECT_EQ(testing::notifications(registry_, "oncall", "sent"), 1);
}

TEST_F(PagerDutyTest, OneTriggerPerInstanceAndTheResolveUsesTheSameDedupKey) {
  auto notifier = make();
  const AlertNotification alert = firing_alert("HighErrorRate", "critical");
  notify(*notifier, alert);
  notify(*notifier, alert);  // still firing at the next evaluation: no second trigger
  notify(*notifier, testing::resolved(alert));
  ASSERT_TRUE(stand_in_.wait_accepted(2));
  notifier->stop(5000);
  const auto requests = stand_in_.requests();
  ASSERT_EQ(requests.size(), 2u);
  rapidjson::Document trigger = parse(requests[0].body);
  rapidjson::Document resolve = parse(requests[1].body);
  EXPECT_STREQ(trigger["event_action"].GetString(), "trigger");
  EXPECT_STREQ(resolve["event_action"].GetString(), "resolve");
  EXPECT_STREQ(resolve["dedup_key"].GetString(), trigger["dedup_key"].GetString());
  EXPECT_FALSE(resolve.HasMember("payload"));
  EXPECT_TRUE(stand_in_.open_incidents().empty());
  EXPECT_TRUE(stand_in_.invalid().empty());
}

TEST_F(PagerDutyTest, OnlyCriticalAlertsAreTakenByDefault) {
  auto notifier = make();
  notify(*notifier, firing_alert("SlowResponses", "warning"));
  notify(*notifier, firing_alert("HighErrorRate", "critical"));
  ASSERT_TRUE(stand_in_.wait_accepted(1));
  notifier->stop(5000);
  ASSERT_EQ(stand_in_.requests().size(), 1u);
  EXPECT_STREQ(parse(stand_in_.requests()[0].body)["payload"]["class"].GetString(),
               "HighErrorRate");
  EXPECT_TRUE(notifier->routes(firing_alert("X", "critical")));
  EXPECT_FALSE(notifier->routes(firing_alert("X", "warning")));
}

TEST_F(PagerDutyTest, A400IsNeverRetried) {
  stand_in_.answer_next({{400, std::nullopt}});
  auto notifier = make();
  notify(*notifier, firing_alert("HighErrorRate", "critical"));
  ASSERT_TRUE(testing::wait_until_value(registry_, "oncall", "failed", 1));
  notifier->stop(5000);
  EXPECT_EQ(stand_in_.requests().size(), 1u);
  EXPECT_EQ(testing::notifications(registry_, "oncall", "retried"), 0);
  EXPECT_EQ(testing::notifications(registry_, "oncall", "sent"), 0);
}

TEST_F(PagerDutyTest, A429AndServerErrorsAreRetriedUntilAccepted) {
  stand_in_.answer_next({{429, std::nullopt}, {500, std::nullopt}, {503, std::nullopt}});
  auto notifier = make();
  notify(*notifier, firing_alert("HighErrorRate", "critical"));
  ASSERT_TRUE(stand_in_.wait_accepted(1));
  notifier->stop(5000);
  const auto requests = stand_in_.requests();
  ASSERT_EQ(requests.size(), 4u);
  for (const auto& request : requests) EXPECT_EQ(request.body, requests[0].body);
  EXPECT_EQ(testing::notifications(registry_, "oncall", "retried"), 3);
  EXPECT_EQ(testing::notifications(registry_, "oncall", "sent"), 1);
  EXPECT_EQ(testing::notifications(registry_, "oncall", "failed"), 0);
  // Backoff: at least half of 20, 40, 80 ms before the 2nd, 3rd and 4th attempt.
  EXPECT_GE(requests[1].at - requests[0].at, std::chrono::milliseconds(10));
  EXPECT_GE(requests[2].at - requests[1].at, std::chrono::milliseconds(20));
  EXPECT_GE(requests[3].at - requests[2].at, std::chrono::milliseconds(40));
}

TEST_F(PagerDutyTest, RetriesAreBoundedByMaxAttempts) {
  stand_in_.answer_next({{500, std::nullopt},
                         {502, std::nullopt},
                         {503, std::nullopt},
                         {504, std::nullopt},
                         {500, std::nullopt}});
  auto notifier = make();
  notify(*notifier, firing_alert("HighErrorRate", "critical"));
  ASSERT_TRUE(testing::wait_until_value(registry_, "oncall", "failed", 1));
  notifier->stop(5000);
  EXPECT_EQ(stand_in_.requests().size(), 4u);  // max_attempts
  EXPECT_EQ(testing::notifications(registry_, "oncall", "retried"), 3);
}

TEST_F(PagerDutyTest, ARestartNeverTriggersTwiceAndTheResolveStillArrives) {
  const AlertNotification alert = firing_alert("HighErrorRate", "critical");
  {
    auto first = make(dir_.file("state"));
    notify(*first, alert);
    ASSERT_TRUE(stand_in_.wait_accepted(1));
    first->stop(5000);
  }
  auto second = make(dir_.file("state"));
  notify(*second, alert);  // still firing after the restart
  notify(*second, testing::resolved(alert));
  ASSERT_TRUE(stand_in_.wait_accepted(2));
  second->stop(5000);
  const auto requests = stand_in_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_STREQ(parse(requests[0].body)["event_action"].GetString(), "trigger");
  EXPECT_STREQ(parse(requests[1].body)["event_action"].GetString(), "resolve");
  EXPECT_TRUE(stand_in_.open_incidents().empty());
  EXPECT_TRUE(stand_in_.invalid().empty());
}

TEST_F(PagerDutyTest, TheRoutingKeyNeverAppearsInLogsOrMetrics) {
  stand_in_.answer_next({{400, std::nullopt}, {400, std::nullopt}});
  auto notifier = make();
  notify(*notifier, firing_alert("HighErrorRate", "critical"));
  notify(*notifier, firing_alert("Other", "critical"));
  ASSERT_TRUE(testing::wait_until_value(registry_, "oncall", "failed", 2));
  notifier->stop(5000);
  const std::string log = log_.all();
  EXPECT_NE(log.find("PagerDuty trigger not delivered"), std::string::npos) << log;
  EXPECT_EQ(log.find(testing::kRoutingKey), std::string::npos);
  EXPECT_EQ(testing::all_metric_text(registry_).find(testing::kRoutingKey), std::string::npos);
  // Two failures within a minute: logged once.
  std::size_t logged = 0;
  for (std::size_t at = log.find("not delivered"); at != std::string::npos;
       at = log.find("not delivered", at + 1)) {
    ++logged;
  }
  EXPECT_EQ(logged, 1u);
}

TEST_F(PagerDutyTest, AnUnreadableRoutingKeyFileKeepsTheNotifierNotReady) {
  std::filesystem::remove(key_file());
  auto notifier = make();
  ASSERT_TRUE(testing::wait_until([&] {
    return !notifier->not_ready_reason().empty() && notifier->not_ready_reason() != "starting";
  }));
  EXPECT_FALSE(notifier->ready());
  EXPECT_EQ(notifier->not_ready_reason(),
            "cannot read routing key file " + key_file() + ": No such file or directory");
}

}  // namespace
}  // namespace specwatch
