#include "sidecar/budgets/budget_consumer.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>

#include "sidecar/budgets/budget_board.h"
#include "tests/unit/budgets/budget_test_calls.h"

namespace specwatch {
namespace {

using testing::Calls;
using testing::usd_budget;

constexpr std::int64_t kNow = 1796342400 + 3600;

class CountingReceiver : public AlertReceiver {
 public:
  void notify(std::span<const AlertNotification> alerts) override {
    calls.fetch_add(1);
    last_size.store(static_cast<int>(alerts.size()));
  }
  std::atomic<int> calls{0};
  std::atomic<int> last_size{-1};
};

class BudgetConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/budget-consumer-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    config_.budgets = {usd_budget("daily", BudgetWindowKind::kDay, 10.0)};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<BudgetConsumer> make() {
    return std::make_unique<BudgetConsumer>(config_, PricingTable(), dir_, receiver_, logger_,
                                            registry_, [] { return kNow; });
  }

  std::string dir_;
  BudgetsConfig config_;
  CountingReceiver receiver_;
  Logger logger_{LogLevel::kError};
  prometheus::Registry registry_;
};

TEST_F(BudgetConsumerTest, HoldsTheFilePositionsUntilTheStateIsWritten) {
  auto consumer = make();
  std::atomic<int> released{0};
  Calls calls;
  calls.batch.ack = BatchAck([&](DeliveryStatus) { released.fetch_add(1); });
  calls.add({.cost_usd = 6.0, .t_s = kNow, .stream = 9, .end_offset = 120});
  consumer->consume(calls.view());
  calls.batch.ack.release();  // the pipeline is done with it
  EXPECT_EQ(released.load(), 0);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/budgets.json"));
  consumer->flush();
  EXPECT_EQ(released.load(), 1);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/budgets.json"));
  EXPECT_EQ(receiver_.calls.load(), 1);
  EXPECT_EQ(receiver_.last_size.load(), 1);  // 60 % reached: the 50 % threshold

  // A batch without budget events is not held.
  Calls other;
  other.batch.ack = BatchAck([&](DeliveryStatus) { released.fetch_add(1); });
  consumer->consume(other.view());
  other.batch.ack.release();
  EXPECT_EQ(released.load(), 2);
}

TEST_F(BudgetConsumerTest, ANewConsumerContinuesFromTheState) {
  {
    auto consumer = make();
    Calls calls;
    calls.add({.cost_usd = 1.25, .t_s = kNow, .stream = 9, .end_offset = 120});
    consumer->consume(calls.view());
    consumer->stop();
  }
  auto consumer = make();
  EXPECT_EQ(consumer->status()[0].spent, 1.25);
  Calls reread;
  reread.add({.cost_usd = 1.25, .t_s = kNow, .stream = 9, .end_offset = 120})
      .add({.cost_usd = 0.5, .t_s = kNow, .stream = 9, .end_offset = 240});
  consumer->consume(reread.view());
  EXPECT_EQ(consumer->status()[0].spent, 1.75);
}

// specwatch_component_events_total{component="budgets",kind="stage",outcome}.
double events_total(const prometheus::Registry& registry, const std::string& outcome) {
  for (const auto& family : registry.Collect()) {
    if (family.name != "specwatch_component_events_total") continue;
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> labels;
      for (const auto& label : metric.label) labels[label.name] = label.value;
      if (labels["component"] == "budgets" && labels["kind"] == "stage" &&
          labels["outcome"] == outcome) {
        return metric.counter.value;
      }
    }
  }
  return -1;
}

TEST_F(BudgetConsumerTest, ReportsTheSharedComponentCounters) {
  {
    auto consumer = make();
    Calls calls;
    calls.add({.cost_usd = 1.0, .t_s = kNow, .stream = 9, .end_offset = 100})
        .add({.cost_usd = 2.0, .t_s = kNow, .stream = 9, .end_offset = 200})
        .add_other();
    consumer->consume(calls.view());
    consumer->consume(Calls().view());  // no events: nothing to count
    EXPECT_EQ(events_total(registry_, "received"), 3);
    EXPECT_EQ(events_total(registry_, "sent"), 3);
    EXPECT_EQ(events_total(registry_, "dropped"), 0);
    consumer->stop();
    EXPECT_EQ(events_total(registry_, "failed"), 0);  // the state was written
  }
  // After a restart the re-read window holds two calls already counted and one new one.
  auto consumer = make();
  Calls reread;
  reread.add({.cost_usd = 1.0, .t_s = kNow, .stream = 9, .end_offset = 100})
      .add({.cost_usd = 2.0, .t_s = kNow, .stream = 9, .end_offset = 200})
      .add({.cost_usd = 4.0, .t_s = kNow, .stream = 9, .end_offset = 300});
  consumer->consume(reread.view());
  EXPECT_EQ(events_total(registry_, "received"), 6);
  EXPECT_EQ(events_total(registry_, "sent"), 4);
  EXPECT_EQ(events_total(registry_, "dropped"), 2);
  EXPECT_EQ(consumer->status()[0].spent, 7.0);
  consumer->flush();  // written: nothing held

  // The state cannot be written any more (its directory is now a file): the held batch is
  // released as failed at stop.
  std::filesystem::remove_all(dir_);
  std::ofstream(dir_) << "not a directory";
  std::atomic<int> failed{0};
  Calls more;
  more.batch.ack = BatchAck([&](DeliveryStatus status) {
    if (status == DeliveryStatus::kFailed) failed.fetch_add(1);
  });
  more.add({.cost_usd = 0.5, .t_s = kNow, .stream = 9, .end_offset = 400}).add_other();
  consumer->consume(more.view());
  more.batch.ack.release();
  consumer->stop();
  EXPECT_EQ(failed.load(), 1);
  EXPECT_EQ(events_total(registry_, "failed"), 2);
}

TEST_F(BudgetConsumerTest, BoardServesTheMetricsOfTheAttachedConsumer) {
  auto consumer = make();
  Calls calls;
  calls.add({.cost_usd = 2.5, .t_s = kNow});
  consumer->consume(calls.view());
  BudgetBoard board;
  EXPECT_TRUE(board.status().empty());
  board.attach([&] { return consumer->status(); });
  const auto families = board.Collect();
  ASSERT_EQ(families.size(), 6u);
  EXPECT_EQ(families[0].name, "specwatch_budget_spent");
  ASSERT_EQ(families[0].metric.size(), 1u);
  EXPECT_EQ(families[0].metric[0].gauge.value, 2.5);
  EXPECT_EQ(families[0].metric[0].label[0].value, "daily");
  EXPECT_EQ(families[0].metric[0].label[1].value, "usd");
  EXPECT_EQ(families[2].name, "specwatch_budget_utilization_ratio");
  EXPECT_EQ(families[2].metric[0].gauge.value, 0.25);
  EXPECT_EQ(families[4].name, "specwatch_budget_period_end_timestamp_seconds");
  EXPECT_EQ(families[4].metric[0].gauge.value, 1796342400.0 + 86400);
  board.detach();
  EXPECT_TRUE(board.status().empty());
}

}  // namespace
}  // namespace specwatch
