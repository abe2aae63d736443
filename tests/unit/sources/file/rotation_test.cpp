// Rotation schemes: rename + create, copytruncate, truncation in place, delete + re-create.
// Every test checks the exact set of records: nothing lost, nothing read twice.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>
#include <thread>
#include <utility>

#include "sidecar/sources/file/file_source.h"
#include "tests/unit/sources/file/test_support.h"

namespace specwatch {
namespace {

using testing::append_file;
using testing::Harness;
using testing::ndjson_lines;
using testing::RecordingConsumer;
using testing::TempDir;
using testing::wait_scans;
using testing::wait_until;
using testing::write_file;

std::vector<std::string> expected_lines(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back("{\"n\":" + std::to_string(i) + "}");
  return out;
}

std::vector<std::string> sorted_by_n(std::vector<std::string> data) {
  std::sort(data.begin(), data.end(), [](const std::string& a, const std::string& b) {
    return std::stoi(a.substr(5)) < std::stoi(b.substr(5));
  });
  return data;
}

class RotationTest : public ::testing::Test {
 protected:
  TempDir logs_;
  TempDir state_;
  Harness harness_;
  RecordingConsumer consumer_;
};

TEST_F(RotationTest, RenameAndCreateWhileWritingReadsEverythingOnce) {
  const std::string live = logs_ / "trace_run.json";
  write_file(live, "");
  auto source = harness_.make(Harness::source_config("s", logs_ / "trace_*.json"),
                              Harness::fast_tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(wait_until([&] { return source->ready(); }));
  std::thread writer([&] {
    int n = 0;
    for (int rotation = 0; rotation < 3; ++rotation) {
      for (int i = 0; i < 100; ++i, ++n) append_file(live, ndjson_lines(n, n + 1));
      // The rotated name still matches trace_*.json.
      std::string rotated =
          logs_ / ("trace_run_20260101_00000" + std::to_string(rotation) + ".json");
      ASSERT_EQ(::rename(live.c_str(), rotated.c_str()), 0);
      write_file(live, "");
    }
    for (int i = 0; i < 50; ++i, ++n) append_file(live, ndjson_lines(n, n + 1));
  });
  writer.join();
  ASSERT_TRUE(consumer_.wait_count(350));
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  auto data = consumer_.data();
  EXPECT_EQ(data.size(), 350u);
  EXPECT_EQ(sorted_by_n(data), expected_lines(0, 350));
}

TEST_F(RotationTest, CopytruncateDoesNotRereadTheCopy) {
  const std::string live = logs_ / "app.json";
  write_file(live, ndjson_lines(0, 50));
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(50));
  // copytruncate: copy the content to a name that also matches, then truncate the original.
  append_file(live, ndjson_lines(50, 55));  // written just before the copy
  write_file(logs_ / "app.1.json", testing::read_text(live));
  ASSERT_EQ(::truncate(live.c_str(), 0), 0);
  append_file(live, ndjson_lines(55, 60));
  ASSERT_TRUE(consumer_.wait_count(60));
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  auto data = consumer_.data();
  EXPECT_EQ(data.size(), 60u);
  EXPECT_EQ(sorted_by_n(data), expected_lines(0, 60));
}

// Runs `action` inside the first consume(), i.e. while the source is between reading a chunk and
// emitting its later batches.
class ActingConsumer : public RecordingConsumer {
 public:
  explicit ActingConsumer(std::function<void()> action) : action_(std::move(action)) {}
  bool consume(RecordBatch&& batch) override {
    if (action_) std::exchange(action_, nullptr)();
    return RecordingConsumer::consume(std::move(batch));
  }

 private:
  std::function<void()> action_;
};

TEST_F(RotationTest, CopytruncateWhileAChunkIsBeingEmittedStillRecognisesTheCopy) {
  // One 4 KiB read holds all 100 records, emitted in batches of 10. The copy and the truncation
  // happen while the first batch is handed over: the tail checks of the later batches must come
  // from the bytes read, not from the file, which no longer holds them.
  const std::string live = logs_ / "app.json";
  write_file(live, ndjson_lines(0, 100));
  ActingConsumer consumer([&] {
    std::filesystem::copy_file(live, logs_ / "app.1.json");
    ASSERT_EQ(::truncate(live.c_str(), 0), 0);
  });
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer, 10);
  source->start();
  ASSERT_TRUE(consumer.wait_count(100));
  ASSERT_TRUE(wait_scans(*source, 3));
  append_file(live, ndjson_lines(100, 105));
  ASSERT_TRUE(consumer.wait_count(105));
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  auto data = consumer.data();
  EXPECT_EQ(data.size(), 105u) << harness_.log();
  EXPECT_EQ(sorted_by_n(data), expected_lines(0, 105));
  EXPECT_NE(harness_.log().find("\"offset\":890,\"from\":\"copy of"), std::string::npos)
      << harness_.log();
}

TEST_F(RotationTest, TruncationInPlaceRestartsAtZero) {
  const std::string live = logs_ / "a.json";
  write_file(live, ndjson_lines(0, 5));
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(5));
  ASSERT_EQ(::truncate(live.c_str(), 0), 0);
  ASSERT_TRUE(wait_scans(*source, 2));
  append_file(live, "{\"after\":1}\n");
  ASSERT_TRUE(consumer_.wait_count(6));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  auto data = consumer_.data();
  ASSERT_EQ(data.size(), 6u);
  EXPECT_EQ(data[5], "{\"after\":1}");
  EXPECT_EQ(testing::file_size(live), 12u);
}

TEST_F(RotationTest, DeletedFileIsFinishedThenForgottenAndARecreatedOneReadWhole) {
  const std::string live = logs_ / "a.json";
  write_file(live, ndjson_lines(0, 3));
  auto source = harness_.make(Harness::source_config("d", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(3));
  // Written and deleted before the source looks: the open descriptor still has it.
  int fd = ::open(live.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::unlink(live.c_str()), 0);
  const std::string last = ndjson_lines(3, 4);
  ASSERT_EQ(::write(fd, last.data(), last.size()), static_cast<ssize_t>(last.size()));
  ::close(fd);
  ASSERT_TRUE(consumer_.wait_count(4));
  auto series = harness_.metrics().series("d");
  ASSERT_TRUE(wait_until([&] { return series.files.Value() == 0.0; }));
  write_file(live, "{\"recreated\":1}\n{\"recreated\":2}\n");
  ASSERT_TRUE(consumer_.wait_count(6));
  ASSERT_TRUE(wait_scans(*source, 2));
  EXPECT_EQ(series.files.Value(), 1.0);
  source->stop(1000);
  EXPECT_EQ(consumer_.data(),
            (std::vector<std::string>{"{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}",
                                      "{\"recreated\":1}", "{\"recreated\":2}"}));
}

TEST_F(RotationTest, FileCreatedAfterStartIsReadFromZeroEvenWithStartAtEnd) {
  auto config = Harness::source_config("s", logs_ / "*.json");
  config.start_at = StartAt::kEnd;
  auto source = harness_.make(config, Harness::fast_tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(wait_until([&] { return source->ready(); }));
  write_file(logs_ / "new.json", ndjson_lines(0, 3));
  ASSERT_TRUE(consumer_.wait_count(3));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  EXPECT_EQ(consumer_.data(), expected_lines(0, 3));
}

TEST_F(RotationTest, MoveFromElsewhereAdoptsTheOffsetOfTheDisappearedFile) {
  // Like a rename across filesystems: the content reappears under a new inode.
  const std::string live = logs_ / "a.json";
  write_file(live, ndjson_lines(0, 10));  // 80 bytes: more than the 64-byte fingerprint
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(10));
  std::string content = testing::read_text(live);
  ASSERT_EQ(::unlink(live.c_str()), 0);
  write_file(logs_ / "b.json", content + ndjson_lines(10, 11));
  ASSERT_TRUE(consumer_.wait_count(11));
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  EXPECT_EQ(consumer_.data(), expected_lines(0, 11));
}

TEST_F(RotationTest, ShortFileWithTheSameFirstBytesIsNotMistakenForACopy) {
  // A new file that merely starts like a short known file must be read whole.
  write_file(logs_ / "a.json", ndjson_lines(0, 1));
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(1));
  write_file(logs_ / "b.json", ndjson_lines(0, 2));
  ASSERT_TRUE(consumer_.wait_count(3));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  EXPECT_EQ(consumer_.data(), (std::vector<std::string>{"{\"n\":0}", "{\"n\":0}", "{\"n\":1}"}));
}

TEST_F(RotationTest, CopyStillBeingWrittenIsRecognisedOnceItHasAFullFingerprint) {
  const std::string live = logs_ / "a.json";
  write_file(live, ndjson_lines(0, 10));  // 80 bytes
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(10));
  const std::string content = testing::read_text(live);
  // The copy's first 30 bytes: fewer than the 64-byte fingerprint, and the start of a.json.
  write_file(logs_ / "copy.json", content.substr(0, 30));
  ASSERT_TRUE(wait_scans(*source, 3));
  EXPECT_EQ(consumer_.count(), 10u);  // undecided: nothing read from it yet
  append_file(logs_ / "copy.json", content.substr(30) + ndjson_lines(10, 11));
  ASSERT_TRUE(consumer_.wait_count(11));
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  EXPECT_EQ(consumer_.data(), expected_lines(0, 11));
}

}  // namespace
}  // namespace specwatch
