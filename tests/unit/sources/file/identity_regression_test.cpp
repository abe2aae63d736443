// Content-based identity never skips records that were not read: files that merely start alike
// are read whole, a copytruncate copy is recognised after a crash, descriptors stay bounded.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "sidecar/sources/file/checkpoint_store.h"
#include "sidecar/sources/file/file_identity.h"
#include "tests/unit/sources/file/test_support.h"

namespace specwatch {
namespace {

using testing::append_file;
using testing::Harness;
using testing::RecordingConsumer;
using testing::TempDir;
using testing::wait_scans;
using testing::wait_until;
using testing::write_file;

// A 2 KiB banner line every file of the stack starts with, then numbered records.
std::string banner() {
  return "{\"banner\":\"" + std::string(2036, 'b') + "\"}\n";
}
std::string records(const std::string& file, int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i)
    out += "{\"file\":\"" + file + "\",\"n\":" + std::to_string(i) + "}\n";
  return out;
}
std::size_t count_of(const std::vector<std::string>& data, const std::string& file) {
  std::size_t n = 0;
  for (const auto& d : data) n += d.find("\"file\":\"" + file + "\"") != std::string::npos;
  return n;
}

class IdentityRegression : public ::testing::Test {
 protected:
  static TailConfig tail() {
    TailConfig t = Harness::fast_tail();
    t.fingerprint_bytes = 1024;
    return t;
  }
  // app.log read (2,000 records), copied to app.log.1 and truncated while the source runs on
  // app.log alone (the copy does not match its glob), then 5 records more: the source stops with
  // the truncated content retired in its checkpoint.
  void copytruncate_while_reading() {
    const std::string live = logs_ / "app.log";
    write_file(live, records("a", 0, 2000));
    auto source = harness_.make(Harness::source_config("s", logs_ / "app.log"), tail(),
                                state_.path(), consumer_);
    source->start();
    ASSERT_TRUE(consumer_.wait_count(2000));
    std::filesystem::copy_file(live, logs_ / "app.log.1");
    ASSERT_EQ(::truncate(live.c_str(), 0), 0);
    append_file(live, records("a", 2000, 2005));
    ASSERT_TRUE(consumer_.wait_count(2005));
    ASSERT_TRUE(wait_scans(*source, 2));
    source->stop(1000);
  }

  // The source started again on app.log and its copy (app.log*), for three scans.
  void restart_on_app_log_and_its_copy() {
    auto source = harness_.make(Harness::source_config("s", logs_ / "app.log*"), tail(),
                                state_.path(), consumer_);
    source->start();
    ASSERT_TRUE(wait_scans(*source, 3));
    source->stop(1000);
  }

  TempDir logs_;
  TempDir state_;
  Harness harness_;
  RecordingConsumer consumer_;
};

TEST_F(IdentityRegression, SecondFileWithTheSameBannerIsReadWhole) {
  write_file(logs_ / "a.log", banner() + records("a", 0, 500));
  auto source =
      harness_.make(Harness::source_config("s", logs_ / "*.log"), tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(501));
  // Longer than a.log's read offset: decided at once.
  write_file(logs_ / "b.log", banner() + records("bb", 0, 500));
  // Shorter than a.log's read offset: held until rotate_wait_ms, then read whole.
  write_file(logs_ / "c.log", banner() + records("c", 0, 20));
  ASSERT_TRUE(consumer_.wait_count(501 + 501 + 21)) << consumer_.count() << harness_.log();
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  auto data = consumer_.data();
  EXPECT_EQ(data.size(), 1023u);
  EXPECT_EQ(count_of(data, "a"), 500u);
  EXPECT_EQ(count_of(data, "bb"), 500u);
  EXPECT_EQ(count_of(data, "c"), 20u);
}

TEST_F(IdentityRegression, SameBannerAfterARestartIsReadWhole) {
  write_file(logs_ / "a.log", banner() + records("a", 0, 300));
  {
    auto source = harness_.make(Harness::source_config("s", logs_ / "*.log"), tail(), state_.path(),
                                consumer_);
    source->start();
    ASSERT_TRUE(consumer_.wait_count(301));
    source->stop(1000);
  }
  // a.log is gone, a different file with the same first bytes took its place.
  ASSERT_EQ(::unlink((logs_ / "a.log").c_str()), 0);
  write_file(logs_ / "b.log", banner() + records("bb", 0, 400));
  auto source =
      harness_.make(Harness::source_config("s", logs_ / "*.log"), tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(301 + 401)) << consumer_.count() << harness_.log();
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  EXPECT_EQ(consumer_.data().size(), 702u);
  EXPECT_EQ(count_of(consumer_.data(), "bb"), 400u);
}

TEST_F(IdentityRegression, CopytruncateThenRestartResumesTheCopyAtTheCheckpoint) {
  const std::string live = logs_ / "app.log";
  write_file(live, records("a", 0, 3000));
  auto config = Harness::source_config("s", logs_ / "app.log*");
  {
    auto source = harness_.make(config, tail(), state_.path(), consumer_);
    source->start();
    ASSERT_TRUE(consumer_.wait_count(3000));
    source->stop(1000);  // the checkpoint holds app.log at its end
  }
  // copytruncate while the sidecar is down (or just before it died): the copy is new, the
  // original is empty.
  std::filesystem::copy_file(live, logs_ / "app.log.1");
  ASSERT_EQ(::truncate(live.c_str(), 0), 0);
  append_file(live, records("a", 3000, 3010));
  auto source = harness_.make(config, tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(3010)) << consumer_.count() << harness_.log();
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  EXPECT_EQ(consumer_.data().size(), 3010u) << harness_.log();
}

TEST_F(IdentityRegression, CheckpointWrittenAfterTheTruncationStillRecognisesTheCopy) {
  ASSERT_NO_FATAL_FAILURE(copytruncate_while_reading());
  ASSERT_NO_FATAL_FAILURE(restart_on_app_log_and_its_copy());
  EXPECT_EQ(consumer_.data().size(), 2005u) << harness_.log();
}

// The same, from a checkpoint whose retired content carries the FNV-1a tail an older build wrote:
// the copy is recognised by that tail, hashed the way it was taken (with XXH3 it would be taken
// for a new file and its 2,000 records read again).
TEST_F(IdentityRegression, ACopyIsRecognisedByTheFnvTailOfAnOlderBuildsCheckpoint) {
  ASSERT_NO_FATAL_FAILURE(copytruncate_while_reading());
  CheckpointStore store(state_.path(), "s");
  CheckpointLoad load = store.load();
  ASSERT_EQ(load.retired.size(), 1u) << harness_.log();
  const std::string copy = testing::read_text(logs_ / "app.log.1");
  TailCheck& retired = load.retired[0].tail;
  ASSERT_EQ(retired.offset, copy.size());
  ASSERT_EQ(retired.algorithm, TailHash::kXxh3);
  retired.hash = fingerprint_hash(std::string_view(copy).substr(copy.size() - retired.length));
  retired.algorithm = TailHash::kFnv1a;
  ASSERT_EQ(store.save(load.entries, load.retired), "");
  ASSERT_NO_FATAL_FAILURE(restart_on_app_log_and_its_copy());
  EXPECT_EQ(consumer_.data().size(), 2005u) << harness_.log();
}

TEST_F(IdentityRegression, ManyFilesStayWithinMaxOpenFilesAndKeepTheirCheckpoints) {
  const int files = 300;
  for (int f = 0; f < files; ++f) {
    write_file(logs_ / ("f" + std::to_string(f) + ".log"), records("f" + std::to_string(f), 0, 3));
  }
  TailConfig t = tail();
  t.max_open_files = 16;
  auto config = Harness::source_config("s", logs_ / "*.log");
  auto source = harness_.make(config, t, state_.path(), consumer_);
  source->start();
  std::size_t most_open = 0;
  ASSERT_TRUE(wait_until([&] {
    most_open = std::max(most_open, source->open_files());
    return consumer_.count() >= static_cast<std::size_t>(files * 3);
  }));
  // A file written again after it was closed is reopened and read on.
  append_file(logs_ / "f7.log", records("f7", 3, 5));
  ASSERT_TRUE(consumer_.wait_count(files * 3 + 2)) << harness_.log();
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  EXPECT_LE(most_open, 16u);
  EXPECT_EQ(consumer_.data().size(), static_cast<std::size_t>(files * 3 + 2));
  std::string error;
  auto entries = CheckpointStore::parse(testing::read_text(source->checkpoint_path()), error);
  ASSERT_TRUE(entries.has_value()) << error;
  EXPECT_EQ(entries->size(), static_cast<std::size_t>(files));
}

TEST_F(IdentityRegression, StateFilesArePrivate) {
  write_file(logs_ / "a.log", records("a", 0, 2));
  auto source =
      harness_.make(Harness::source_config("s", logs_ / "*.log"), tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(2));
  source->stop(1000);
  struct stat info {};
  ASSERT_EQ(::stat(source->checkpoint_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((state_ / "checkpoints").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST_F(IdentityRegression, SymlinksAreNotFollowedUnlessConfigured) {
  TempDir outside;
  write_file(outside / "secret", "{\"secret\":1}\n");
  ASSERT_EQ(::symlink((outside / "secret").c_str(), (logs_ / "x.log").c_str()), 0);
  ASSERT_EQ(::symlink((logs_ / "loop.log").c_str(), (logs_ / "loop.log").c_str()), 0);
  write_file(logs_ / "a.log", records("a", 0, 1));
  {
    auto source = harness_.make(Harness::source_config("s", logs_ / "*.log"), tail(), state_.path(),
                                consumer_);
    source->start();
    ASSERT_TRUE(consumer_.wait_count(1));
    ASSERT_TRUE(wait_scans(*source, 3));
    source->stop(1000);
  }
  EXPECT_EQ(consumer_.data().size(), 1u);
  EXPECT_EQ(harness_.error_count("s", "symlink_not_followed"), 2);  // once each, not per scan
  TailConfig follow = tail();
  follow.follow_symlinks = true;
  TempDir state2;
  RecordingConsumer second;
  auto source =
      harness_.make(Harness::source_config("t", logs_ / "*.log"), follow, state2.path(), second);
  source->start();
  ASSERT_TRUE(second.wait_count(2));
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  EXPECT_EQ(second.data().size(), 2u);
  EXPECT_EQ(harness_.error_count("t", "symlink_loop"), 1);
}

TEST_F(IdentityRegression, FailingCheckpointWritesAreCountedAndAged) {
  // A regular file where the state directory should be: every write fails, for root too.
  const std::string blocked = state_ / "blocked";
  write_file(blocked, "x");
  write_file(logs_ / "a.log", records("a", 0, 5));
  auto source =
      harness_.make(Harness::source_config("s", logs_ / "*.log"), tail(), blocked, consumer_);
  auto series = harness_.metrics().series("s");
  source->start();
  ASSERT_TRUE(consumer_.wait_count(5));
  ASSERT_TRUE(wait_until([&] { return series.checkpoint_write_errors.Value() >= 2; }));
  ASSERT_TRUE(wait_until([&] { return series.oldest_unpersisted_age.Value() >= 0.05; }));
  // Logged once, not at every retry.
  std::string log = harness_.log();
  std::size_t logged = 0;
  for (auto pos = log.find("cannot write checkpoint"); pos != std::string::npos;
       pos = log.find("cannot write checkpoint", pos + 1)) {
    ++logged;
  }
  EXPECT_EQ(logged, 1u);
  // The directory heals: the next write persists everything and the age drops to 0.
  ASSERT_EQ(::unlink(blocked.c_str()), 0);
  ASSERT_TRUE(wait_until([&] { return series.oldest_unpersisted_age.Value() == 0; }));
  const double errors = series.checkpoint_write_errors.Value();
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  EXPECT_EQ(series.checkpoint_write_errors.Value(), errors);
  EXPECT_TRUE(std::filesystem::exists(blocked + "/checkpoints/s.json"));
}

}  // namespace
}  // namespace specwatch
