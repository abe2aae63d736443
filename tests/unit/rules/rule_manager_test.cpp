// The rule manager over a registry, with a stepped clock: alert states, notifications, the state
// saved and restored across a restart, the API documents, the store bound counted.
#include "sidecar/rules/rule_manager.h"

#include <gtest/gtest.h>
#include <prometheus/gauge.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "sidecar/rules/rules_api.h"

namespace specwatch::rules {
namespace {

class RecordingReceiver : public AlertReceiver {
 public:
  void notify(std::span<const AlertNotification> alerts) override {
    calls.emplace_back(alerts.begin(), alerts.end());
  }
  std::vector<std::vector<AlertNotification>> calls;
};

int64_t ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

class RuleManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/rule_manager_XXXXXX";
    dir_ = mkdtemp(pattern);
    std::ofstream(dir_ + "/a.rules.yml") << R"(groups:
  - name: g
    rules:
      - alert: High
        expr: input_value > 1
        for: 2s
        labels: {severity: critical}
        annotations: {summary: 'value {{ $value }} on {{ $labels.instance }}'}
      - alert: OtherDown
        expr: up{job="other"} == 0
)";
    config_.files = {dir_ + "/*.rules.yml"};
    config_.evaluation_interval_ms = 1000;
    config_.external_labels = {{"region", "eu"}};
    input_ = &prometheus::BuildGauge().Name("input_value").Help("i").Register(source_).Add({});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<RuleManager> manager(RecordingReceiver& receiver) {
    auto m = std::make_unique<RuleManager>(
        config_, "host:9464",
        RuleManagerDeps{[this] { return source_.Collect(); }, own_, logger_, receiver,
                        StateStore(dir_ + "/state"), [this] { return now_; }});
    EXPECT_EQ(m->load(), std::vector<std::string>{});
    return m;
  }

  std::string dir_;
  RulesConfig config_;
  prometheus::Registry source_;
  prometheus::Registry own_;
  prometheus::Gauge* input_ = nullptr;
  Logger logger_{LogLevel::kError, [](std::string_view) {}};
  Timestamp now_ = 1'700'000'000'000;
};

TEST_F(RuleManagerTest, AlertFiresNotifiesSurvivesARestartAndResolves) {
  const Timestamp start = now_;
  input_->Set(5);
  RecordingReceiver receiver;
  {
    auto m = manager(receiver);
    for (int i = 0; i < 3; ++i, now_ += 1000) m->evaluate_once();
    // pending, pending, firing: notified only once firing, with the external labels.
    ASSERT_EQ(receiver.calls.size(), 3u);
    EXPECT_TRUE(receiver.calls[0].empty());
    EXPECT_TRUE(receiver.calls[1].empty());
    ASSERT_EQ(receiver.calls[2].size(), 1u);
    const AlertNotification& n = receiver.calls[2][0];
    EXPECT_EQ(n.labels, (NotificationLabels{{"alertname", "High"},
                                            {"instance", "host:9464"},
                                            {"job", "specwatch"},
                                            {"region", "eu"},
                                            {"severity", "critical"}}));
    EXPECT_EQ(n.annotation("summary"), "value 5 on host:9464");
    EXPECT_EQ(n.status, AlertNotification::Status::kFiring);
    EXPECT_EQ(ms(n.starts_at), start);
    EXPECT_EQ(ms(n.ends_at), start + 2000 + 4 * 60000);
    EXPECT_EQ(n.generator_url, "http://host:9464/api/v1/alerts");
    EXPECT_EQ(n.origin, "rules");
    EXPECT_EQ(alerts_json(*m->snapshot()),
              R"({"status":"success","data":{"alerts":[{"labels":{"alertname":"High",)"
              R"("instance":"host:9464","job":"specwatch","severity":"critical"},)"
              R"("annotations":{"summary":"value 5 on host:9464"},"state":"firing",)"
              R"("activeAt":"2023-11-14T22:13:20.000Z","value":"5e+00"}]}})");
    const std::string rules = rules_json(*m->snapshot(), read_rules_query("type=alert").filter);
    EXPECT_NE(rules.find(R"("name":"OtherDown","query":"up{job=\"other\"} == 0",)"
                         R"("duration":0.0,"keepFiringFor":0.0,"labels":{},"annotations":{},)"
                         R"("alerts":[],"health":"unknown","lastError":"not evaluated in the )"
                         R"(sidecar: selects job=\"other\"; the sidecar's own series carry )"
                         R"(job=\"specwatch\"","evaluationTime":0.0,)"
                         R"("lastEvaluation":"0001-01-01T00:00:00Z","type":"alerting"})"),
              std::string::npos)
        << rules;
    EXPECT_NE(rules.find(R"({"state":"firing","name":"High","query":"input_value > 1",)"
                         R"("duration":2.0,"keepFiringFor":0.0,"labels":{"severity":"critical"})"),
              std::string::npos)
        << rules;
    EXPECT_EQ(
        rules_json(*m->snapshot(), read_rules_query("type=record").filter)
            .rfind(R"({"status":"success","data":{"groups":[{"name":"g","file":")" + dir_ +
                       R"(/a.rules.yml","rules":[],"interval":1.0,"limit":0,"evaluationTime":)",
                   0),
        0u);
  }
  // A new process: the firing alert is restored with its activeAt and stays firing.
  RecordingReceiver after;
  auto m = manager(after);
  m->evaluate_once();
  ASSERT_EQ(after.calls.size(), 1u);
  ASSERT_EQ(after.calls[0].size(), 1u);
  EXPECT_EQ(after.calls[0][0].status, AlertNotification::Status::kFiring);
  EXPECT_EQ(ms(after.calls[0][0].starts_at), start);
  // The input goes back: resolved, handed over with its end time.
  now_ += 1000;
  input_->Set(0);
  m->evaluate_once();
  ASSERT_EQ(after.calls[1].size(), 1u);
  EXPECT_EQ(after.calls[1][0].status, AlertNotification::Status::kResolved);
  EXPECT_EQ(ms(after.calls[1][0].ends_at), now_);
  EXPECT_EQ(alerts_json(*m->snapshot()), R"({"status":"success","data":{"alerts":[]}})");
}

// What a notifier is handed is already in the API: the notification's generator_url points at
// /api/v1/alerts, and a notifier delivers from its own thread, possibly before the cycle ends.
class SnapshotReadingReceiver : public AlertReceiver {
 public:
  void notify(std::span<const AlertNotification> alerts) override {
    if (!alerts.empty()) seen.push_back(alerts_json(*manager->snapshot()));
  }
  RuleManager* manager = nullptr;
  std::vector<std::string> seen;
};

TEST_F(RuleManagerTest, TheApiListsAFiringAlertBeforeTheNotifierHearsOfIt) {
  input_->Set(5);
  SnapshotReadingReceiver receiver;
  auto m = std::make_unique<RuleManager>(
      config_, "host:9464",
      RuleManagerDeps{[this] { return source_.Collect(); }, own_, logger_, receiver,
                      StateStore(dir_ + "/state"), [this] { return now_; }});
  ASSERT_EQ(m->load(), std::vector<std::string>{});
  receiver.manager = m.get();
  for (int i = 0; i < 3; ++i, now_ += 1000) m->evaluate_once();
  ASSERT_EQ(receiver.seen.size(), 1u);
  EXPECT_NE(receiver.seen[0].find(R"("alertname":"High")"), std::string::npos) << receiver.seen[0];
  EXPECT_NE(receiver.seen[0].find(R"("state":"firing")"), std::string::npos) << receiver.seen[0];
}

TEST_F(RuleManagerTest, CountsSamplesRefusedAtTheBound) {
  config_.max_samples = 1000;
  auto& family = prometheus::BuildGauge().Name("many").Help("m").Register(source_);
  for (int i = 0; i < 1199; ++i) family.Add({{"i", std::to_string(i)}}).Set(i);
  RecordingReceiver receiver;
  auto m = manager(receiver);
  m->evaluate_once();  // 1,200 series (with input_value): 200 refused
  now_ += 1000;
  m->evaluate_once();  // every one refused now: 1,200 more
  EXPECT_EQ(m->store().sample_count(), 1000u);
  double refused = -1;
  for (const auto& f : own_.Collect()) {
    if (f.name == "specwatch_rule_store_samples_refused_total") refused = f.metric[0].counter.value;
  }
  EXPECT_EQ(refused, 1400.0);
}

}  // namespace
}  // namespace specwatch::rules
