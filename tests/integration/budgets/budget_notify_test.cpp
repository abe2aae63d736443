// A budget alert of the real binary reaches a notifier: the webhook notifier posts the 50 %
// threshold of a daily budget to a stand-in receiver, with the labels budget, threshold and
// severity and the message in words.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "tests/integration/budgets/calls_profile.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"
#include "tests/support/notifiers/notification_stand_ins.h"

namespace specwatch::testing {
namespace {

constexpr const char* kBudget = R"(budgets:
  evaluation_interval_ms: 100
  list:
    - name: specular-daily
      match: {provider: openai}
      window: day
      time_zone: Europe/Berlin
      limit: 0.5
      thresholds: [{percent: 50}]
      forecast: false
)";

std::string string_at(const rapidjson::Value& object, const char* key) {
  auto found = object.FindMember(key);
  return found != object.MemberEnd() && found->value.IsString() ? found->value.GetString() : "";
}

TEST(BudgetNotify, AThresholdCrossedIsPostedToTheNotifier) {
  TempDir dir;
  JsonStandIn receiver("/hook");
  write_file(dir.file("calls.log"), "{\"provider\":\"openai\",\"model\":\"m\",\"cost\":0.3}\n");
  const std::string notifiers =
      "notifiers:\n  - type: webhook\n    name: budget-hook\n    url: " + receiver.url() + "\n";
  write_file(dir.file("specwatch.yaml"),
             test_config(dir.file("state"),
                         ndjson_source("calls", dir.file("calls.log"), "    profile: calls\n"),
                         std::string(kCallsProfile) + kBudget + notifiers));
  SidecarProcess sidecar(dir.file("specwatch.yaml"), dir.file("sidecar.out"));
  ASSERT_NE(sidecar.wait_started(), 0) << sidecar.log();
  ASSERT_TRUE(receiver.wait_accepted(1)) << sidecar.log();

  rapidjson::Document payload;
  payload.Parse(receiver.accepted()[0].body.c_str());
  ASSERT_FALSE(payload.HasParseError());
  EXPECT_EQ(string_at(payload, "notifier"), "budget-hook");
  ASSERT_TRUE(payload["alerts"].IsArray());
  ASSERT_EQ(payload["alerts"].Size(), 1u) << receiver.accepted()[0].body;
  const rapidjson::Value& alert = payload["alerts"][0];
  EXPECT_EQ(string_at(alert, "status"), "firing");
  EXPECT_EQ(string_at(alert, "origin"), "budgets");
  const rapidjson::Value& labels = alert["labels"];
  EXPECT_EQ(labels.MemberCount(), 4u);
  EXPECT_EQ(string_at(labels, "alertname"), "BudgetThreshold");
  EXPECT_EQ(string_at(labels, "budget"), "specular-daily");
  EXPECT_EQ(string_at(labels, "threshold"), "50");
  EXPECT_EQ(string_at(labels, "severity"), "warning");
  EXPECT_EQ(string_at(alert["annotations"], "summary")
                .rfind("specular-daily: $0.30 of $0.50 (60 %) spent today, Europe/Berlin", 0),
            0u)
      << string_at(alert["annotations"], "summary");
}

}  // namespace
}  // namespace specwatch::testing
