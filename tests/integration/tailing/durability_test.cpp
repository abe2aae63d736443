// The real binary under a crash right after copytruncate, a stop during a burst of new files and a
// low descriptor limit: exact counts, the stop within the shutdown timeout.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "tests/integration/support/metrics_text.h"
#include "tests/integration/support/sidecar_process.h"
#include "tests/integration/support/temp_dir.h"
#include "tests/integration/support/test_config.h"

namespace specwatch::testing {
namespace {

class Durability : public ::testing::Test {
 protected:
  void start(const std::string& pattern, const std::string& extra = "") {
    write_file(dir_.file("specwatch.yaml"),
               test_config(dir_.file("state"), ndjson_source("t", pattern), extra));
    // One log per run: the port is taken from the log's first "specwatch started" line.
    sidecar_ = std::make_unique<SidecarProcess>(
        dir_.file("specwatch.yaml"), dir_.file("sidecar" + std::to_string(++runs_) + ".out"));
    port_ = sidecar_->wait_started();
    ASSERT_NE(port_, 0) << sidecar_->log();
  }
  double events() {
    return value_of(scrape(port_), "specwatch_source_events_total{source=\"t\"}").value_or(-1);
  }
  // A running sidecar with one file, then `files` new one-line files as fast as they can be made.
  void start_then_write_burst(int files) {
    // Not event_line(0): a file byte-identical to one already read counts as its copy.
    write_file(dir_.file("seed.log"), event_line(files));
    start(dir_.file("*.log"));
    for (int f = 0; f < files; ++f) {
      write_file(dir_.file("f" + std::to_string(f) + ".log"), event_line(f));
    }
  }
  std::string checkpoint() { return read_file(dir_.file("state/checkpoints/t.json")); }

  TempDir dir_;
  std::unique_ptr<SidecarProcess> sidecar_;
  std::uint16_t port_ = 0;
  int runs_ = 0;
};

TEST_F(Durability, CopytruncateThenKillReadsTheCopyOnlyPastTheCheckpoint) {
  const std::string path = dir_.file("app.log");
  std::string text;
  for (int i = 0; i < 30000; ++i) text += event_line(i);
  write_file(path, text);
  start(dir_.file("app.log*"));
  ASSERT_TRUE(wait_until([&] { return events() >= 30000; }, std::chrono::seconds(30)));
  // Wait until the checkpoint holds the whole file, then rotate and crash at once.
  const std::string full = "\"offset\":" + std::to_string(text.size());
  ASSERT_TRUE(wait_until([&] { return checkpoint().find(full) != std::string::npos; }))
      << checkpoint();
  std::filesystem::copy_file(path, dir_.file("app.log.1"));
  ASSERT_EQ(::truncate(path.c_str(), 0), 0);
  sidecar_->send_signal(SIGKILL);
  sidecar_->wait_exit();
  std::string more;
  for (int i = 30000; i < 30010; ++i) more += event_line(i);
  append_file(path, more);
  sidecar_.reset();
  start(dir_.file("app.log*"));
  // After the restart only the 10 new lines are new: the copy is recognised at the checkpoint.
  ASSERT_TRUE(wait_until([&] { return events() >= 10; })) << sidecar_->log();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past rotate_wait_ms
  EXPECT_EQ(events(), 10) << sidecar_->log();
}

TEST_F(Durability, StopDuringABurstOfNewFilesEndsWithinTheShutdownTimeout) {
  const int files = 5000;
  start_then_write_burst(files);
  sidecar_->send_signal(SIGTERM);
  // shutdown_timeout_ms is 5000 in the test config; a margin for a loaded machine.
  ProcessResult result = sidecar_->wait_exit(std::chrono::seconds(10));
  ASSERT_EQ(result.exit_code, 0) << sidecar_->log();
  // The checkpoint kept every file taken on (none dropped by the interrupted scan): after a
  // restart the two runs together read every record exactly once.
  const std::string totals = "\"source\":\"t\",\"events\":";
  const std::string log = sidecar_->log();
  const auto at = log.find(totals);
  ASSERT_NE(at, std::string::npos) << log;
  const int first_run = std::stoi(log.substr(at + totals.size()));
  sidecar_.reset();
  start(dir_.file("*.log"));
  ASSERT_TRUE(
      wait_until([&] { return first_run + events() >= files + 1; }, std::chrono::seconds(60)))
      << first_run << " + " << events();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(first_run + events(), files + 1);
}

TEST_F(Durability, BurstOfNewFilesIsReadCompletely) {
  const int files = 5000;
  start_then_write_burst(files);
  ASSERT_TRUE(wait_until([&] { return events() >= files + 1; }, std::chrono::seconds(60)))
      << events();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(events(), files + 1);
}

TEST_F(Durability, ThreeThousandFilesUnderADescriptorLimitOf1024AreAllRead) {
  const int files = 3000;
  for (int f = 0; f < files; ++f) {
    write_file(dir_.file("f" + std::to_string(f) + ".log"), event_line(f) + event_line(f));
  }
  // The child inherits the limit (soft and hard: it cannot raise it).
  struct rlimit saved {};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  struct rlimit low {
    1024, 1024
  };
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  start(dir_.file("*.log"), "");
  ::setrlimit(RLIMIT_NOFILE, &saved);  // only the root can raise it again; fine either way
  ASSERT_TRUE(wait_until([&] { return events() >= 2 * files; }, std::chrono::seconds(60)))
      << events();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(events(), 2 * files);
  std::string text = checkpoint();
  std::size_t entries = 0;
  for (auto pos = text.find("\"path\":"); pos != std::string::npos;
       pos = text.find("\"path\":", pos + 1)) {
    ++entries;
  }
  EXPECT_EQ(entries, static_cast<std::size_t>(files));
  EXPECT_EQ(value_of(scrape(port_), "specwatch_source_files{source=\"t\"}").value_or(-1), files);
}

}  // namespace
}  // namespace specwatch::testing
