#include "sidecar/otlp/otlp_decode_worker.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/wait_until.h"

namespace specwatch {
namespace {

using specwatch::testing::wait_until;

// Records what ran and what was cancelled, in order; `gate` holds a job until opened.
struct Journal {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> entries;
  bool open = true;
  int entered = 0;

  OtlpDecodeWorker::Job job(const std::string& name, bool gated = false) {
    return {[this, name, gated] {
              std::unique_lock lock(mutex);
              ++entered;
              changed.notify_all();
              if (gated) changed.wait(lock, [&] { return open; });
              entries.push_back("ran " + name);
            },
            [this, name] {
              std::lock_guard lock(mutex);
              entries.push_back("cancelled " + name);
            }};
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mutex);
    return entries;
  }
};

TEST(OtlpDecodeWorker, RunsJobsInOrderOffTheCallingThread) {
  OtlpDecodeWorker worker(8);
  std::thread::id ran_on;
  OtlpDecodeWorker::Job first{[&] { ran_on = std::this_thread::get_id(); }, [] {}};
  ASSERT_TRUE(worker.try_post(first));
  Journal journal;
  for (const char* name : {"a", "b", "c"}) {
    auto job = journal.job(name);
    ASSERT_TRUE(worker.try_post(job));
  }
  ASSERT_TRUE(wait_until([&] { return journal.snapshot().size() == 3; }));
  EXPECT_EQ(journal.snapshot(), (std::vector<std::string>{"ran a", "ran b", "ran c"}));
  worker.stop();
  EXPECT_NE(ran_on, std::thread::id());
  EXPECT_NE(ran_on, std::this_thread::get_id());
}

TEST(OtlpDecodeWorker, RefusesAPostBeyondMaxWaitingAndLeavesTheJobWithTheCaller) {
  OtlpDecodeWorker worker(2);
  Journal journal;
  journal.open = false;
  auto held = journal.job("held", true);
  ASSERT_TRUE(worker.try_post(held));
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(journal.mutex);
    return journal.entered == 1;
  }));
  auto second = journal.job("second");
  auto third = journal.job("third");
  auto fourth = journal.job("fourth");
  EXPECT_TRUE(worker.try_post(second));
  EXPECT_TRUE(worker.try_post(third));
  EXPECT_EQ(worker.waiting(), 2u);
  EXPECT_FALSE(worker.try_post(fourth));
  ASSERT_TRUE(fourth.run);  // untouched: the caller still answers it
  fourth.cancel();
  {
    std::lock_guard lock(journal.mutex);
    journal.open = true;
    journal.changed.notify_all();
  }
  ASSERT_TRUE(wait_until([&] { return journal.snapshot().size() == 4; }));
  EXPECT_EQ(journal.snapshot(),
            (std::vector<std::string>{"cancelled fourth", "ran held", "ran second", "ran third"}));
}

TEST(OtlpDecodeWorker, StopCancelsTheWaitingJobsFinishesTheRunningOneAndRefusesMore) {
  OtlpDecodeWorker worker(8);
  Journal journal;
  journal.open = false;
  auto held = journal.job("held", true);
  auto waiting_1 = journal.job("w1");
  auto waiting_2 = journal.job("w2");
  ASSERT_TRUE(worker.try_post(held));
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(journal.mutex);
    return journal.entered == 1;
  }));
  ASSERT_TRUE(worker.try_post(waiting_1));
  ASSERT_TRUE(worker.try_post(waiting_2));
  std::thread stopper([&] { worker.stop(); });
  // The waiting jobs are cancelled while the running one still holds the worker.
  ASSERT_TRUE(wait_until([&] { return journal.snapshot().size() == 2; }));
  EXPECT_EQ(journal.snapshot(), (std::vector<std::string>{"cancelled w1", "cancelled w2"}));
  EXPECT_TRUE(worker.stopping());
  {
    std::lock_guard lock(journal.mutex);
    journal.open = true;
    journal.changed.notify_all();
  }
  stopper.join();
  EXPECT_EQ(journal.snapshot(),
            (std::vector<std::string>{"cancelled w1", "cancelled w2", "ran held"}));
  auto late = journal.job("late");
  EXPECT_FALSE(worker.try_post(late));
  worker.stop();  // again: nothing left to do
  EXPECT_EQ(journal.snapshot().size(), 3u);
}

}  // namespace
}  // namespace specwatch
