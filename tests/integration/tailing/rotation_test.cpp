// The real binary tailing files that rotate, truncate, vanish and appear while being written:
// exact counts, nothing lost, nothing read twice.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"

namespace specwatch::testing {
namespace {

class Tailing : public ::testing::Test {
 protected:
  void start(const std::string& pattern) {
    write_file(dir_.file("specwatch.yaml"),
               test_config(dir_.file("state"), ndjson_source("t", pattern)));
    sidecar_ =
        std::make_unique<SidecarProcess>(dir_.file("specwatch.yaml"), dir_.file("sidecar.out"));
    port_ = sidecar_->wait_started();
    ASSERT_NE(port_, 0) << sidecar_->log();
  }
  double events() {
    return value_of(scrape(port_), "specwatch_source_events_total{source=\"t\"}").value_or(-1);
  }
  // Waits for exactly `n`, then makes sure no more arrive.
  void expect_exactly(double n) {
    ASSERT_TRUE(wait_until([&] { return events() >= n; }, std::chrono::seconds(30)))
        << "events=" << events() << " expected " << n << "\n"
        << sidecar_->log();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // several poll intervals
    EXPECT_EQ(events(), n);
  }

  TempDir dir_;
  std::unique_ptr<SidecarProcess> sidecar_;
  std::uint16_t port_ = 0;
};

TEST_F(Tailing, RenameRotationUnderContinuousWritesReadsEveryLineOnce) {
  std::string path = dir_.file("app.log");
  write_file(path, "");
  start(dir_.file("app*.log"));  // rotated names app-N.log still match
  const int total = 30000;
  int rotations = 0;
  for (int i = 0; i < total; ++i) {
    append_file(path, event_line(i));
    if (i % 5000 == 4999) {
      std::filesystem::rename(path, dir_.file("app-" + std::to_string(++rotations) + ".log"));
      write_file(path, "");
    }
  }
  expect_exactly(total);
}

TEST_F(Tailing, CopytruncateUnderContinuousWritesReadsEveryLineOnce) {
  std::string path = dir_.file("app.log");
  write_file(path, "");
  start(dir_.file("app*.log"));
  const int total = 20000;
  int rotations = 0;
  for (int i = 0; i < total; ++i) {
    append_file(path, event_line(i));
    if (i % 4000 == 3999) {
      // The writer is paused during copy + truncate, as logrotate's copytruncate assumes.
      std::filesystem::copy_file(path, dir_.file("app-" + std::to_string(++rotations) + ".log"));
      ASSERT_EQ(::truncate(path.c_str(), 0), 0);
    }
  }
  expect_exactly(total);
}

TEST_F(Tailing, TruncationInPlaceRestartsFromTheBeginning) {
  std::string path = dir_.file("app.log");
  std::string first;
  for (int i = 0; i < 100; ++i) first += event_line(i);
  write_file(path, first);
  start(path);
  expect_exactly(100);
  ASSERT_EQ(::truncate(path.c_str(), 0), 0);
  std::string second;
  for (int i = 0; i < 50; ++i) second += event_line(1000 + i);
  append_file(path, second);
  expect_exactly(150);
}

TEST_F(Tailing, DeletionAndRecreationReadsTheNewFile) {
  std::string path = dir_.file("app.log");
  std::string first;
  for (int i = 0; i < 100; ++i) first += event_line(i);
  write_file(path, first);
  start(path);
  expect_exactly(100);
  ASSERT_EQ(::unlink(path.c_str()), 0);
  std::string second;
  for (int i = 0; i < 30; ++i) second += event_line(2000 + i);
  write_file(path, second);
  expect_exactly(130);
}

TEST_F(Tailing, FilesAndDirectoriesCreatedAfterStartAreRead) {
  std::string logs = dir_.file("later");
  start(logs + "/*.log");  // the directory does not exist yet
  ASSERT_EQ(::mkdir(logs.c_str(), 0755), 0);
  std::string lines;
  for (int i = 0; i < 40; ++i) lines += event_line(i);
  write_file(logs + "/a.log", lines);
  expect_exactly(40);
  write_file(logs + "/b.log", event_line(99));
  expect_exactly(41);
}

TEST_F(Tailing, PartialLastLineWaitsForItsEnd) {
  std::string path = dir_.file("app.log");
  write_file(path, event_line(1) + "{\"msg\":\"half");
  start(path);
  expect_exactly(1);
  append_file(path, " done\"}\n");
  expect_exactly(2);
}

}  // namespace
}  // namespace specwatch::testing
