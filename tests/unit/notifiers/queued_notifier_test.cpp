// The queue every notifier shares: notify() never waits for delivery, a full queue drops and
// counts, stop() keeps to its drain deadline, and the self-metrics count each outcome.
#include <gtest/gtest.h>

#include "exporters/notifier_set.h"
#include "exporters/webhook/webhook_factory.h"
#include "tests/support/notifiers/notification_stand_ins.h"
#include "tests/unit/notifiers/notifier_test_support.h"

namespace specwatch {
namespace {

using testing::firing_alert;

class QueuedNotifierTest : public ::testing::Test {
 protected:
  std::unique_ptr<QueuedNotifier> make(NotifierCommonConfig common) {
    WebhookConfig config;
    config.common = common;
    config.url = stand_in_.url();
    NotifierServices services{registry_, log_.logger, ""};
    return make_webhook_notifier("hook", config, services);
  }
  static void notify(AlertReceiver& receiver, const AlertNotification& alert) {
    receiver.notify(std::span<const AlertNotification>(&alert, 1));
  }

  prometheus::Registry registry_;
  testing::LogCapture log_;
  testing::JsonStandIn stand_in_{"/hook"};
};

TEST_F(QueuedNotifierTest, AFullQueueDropsAndCountsAndStopKeepsToItsDeadline) {
  NotifierCommonConfig common = testing::fast_common();
  common.queue_size = 1;
  common.retry.max_attempts = 2;
  common.retry.initial_backoff = std::chrono::seconds(60);  // the thread waits in its backoff
  common.retry.max_backoff = std::chrono::seconds(60);
  stand_in_.answer_next({{500, std::nullopt}});
  auto notifier = make(common);
  notifier->start();
  notify(*notifier, firing_alert("First", "critical"));
  ASSERT_TRUE(stand_in_.wait_requests(1));                // the delivery thread is busy with it
  notify(*notifier, firing_alert("Second", "critical"));  // queued
  notify(*notifier, firing_alert("Third", "critical"));   // the queue is full: dropped
  EXPECT_EQ(testing::notifications(registry_, "hook", "dropped"), 1);
  EXPECT_EQ(
      testing::metric_value(registry_, "specwatch_component_events_total",
                            {{"component", "hook"}, {"kind", "notifier"}, {"outcome", "received"}}),
      3);
  EXPECT_EQ(
      testing::metric_value(registry_, "specwatch_component_queue_events", {{"component", "hook"}}),
      1);
  const auto before = std::chrono::steady_clock::now();
  notifier->stop(100);  // the backoff is cut at the deadline; Second is not delivered
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(10));
  EXPECT_EQ(stand_in_.requests().size(), 1u);
  EXPECT_EQ(testing::notifications(registry_, "hook", "failed"), 2);
  EXPECT_EQ(testing::notifications(registry_, "hook", "sent"), 0);
  EXPECT_FALSE(notifier->ready());
  EXPECT_EQ(notifier->not_ready_reason(), "stopped");
}

TEST_F(QueuedNotifierTest, MatchersRouteByLabels) {
  NotifierCommonConfig common = testing::fast_common();
  std::string error;
  common.match = {*parse_label_matcher("severity=~\"crit.*|page\"", error),
                  *parse_label_matcher("service!=\"batch\"", error)};
  auto notifier = make(common);
  AlertNotification batch = firing_alert("X", "critical");
  batch.labels[3].second = "batch";  // service
  EXPECT_TRUE(notifier->routes(firing_alert("X", "critical")));
  EXPECT_TRUE(notifier->routes(firing_alert("X", "page")));
  EXPECT_FALSE(notifier->routes(firing_alert("X", "warning")));
  EXPECT_FALSE(notifier->routes(batch));
  common.match = {*parse_label_matcher("team!~\".+\"", error)};  // no team label at all
  EXPECT_TRUE(make(common)->routes(firing_alert("X", "warning")));
}

TEST_F(QueuedNotifierTest, TheSetFansOutAndReportsWhoIsNotReady) {
  NotifierSet set;
  std::vector<std::unique_ptr<AlertNotifier>> notifiers;
  notifiers.push_back(make(testing::fast_common()));
  set.replace(std::move(notifiers), 1000);
  EXPECT_EQ(set.size(), 1u);
  ASSERT_TRUE(testing::wait_until([&] { return set.not_ready().empty(); }));
  notify(set, firing_alert("HighErrorRate", "critical"));
  ASSERT_TRUE(stand_in_.wait_accepted(1));
  set.stop(1000);
  EXPECT_EQ(set.size(), 0u);
  notify(set, firing_alert("Later", "critical"));  // nobody left: nothing happens
  EXPECT_EQ(stand_in_.requests().size(), 1u);
}

TEST(LabelMatcherText, ExactErrors) {
  std::string error;
  EXPECT_FALSE(parse_label_matcher("severity", error));
  EXPECT_EQ(error, "expected =, !=, =~ or !~ after \"severity\"");
  EXPECT_FALSE(parse_label_matcher("=\"x\"", error));
  EXPECT_EQ(error, "expected a label name followed by =, !=, =~ or !~");
  EXPECT_FALSE(parse_label_matcher("severity=\"x", error));
  EXPECT_EQ(error, "unterminated quoted value");
  EXPECT_FALSE(parse_label_matcher("severity=~\"(\"", error));
  EXPECT_EQ(error.rfind("invalid regular expression: ", 0), 0u) << error;
  auto unquoted = parse_label_matcher("severity=critical", error);
  ASSERT_TRUE(unquoted);
  EXPECT_TRUE(unquoted->matches("critical"));
  EXPECT_FALSE(unquoted->matches("critical2"));  // anchored
}

}  // namespace
}  // namespace specwatch
