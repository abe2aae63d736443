#include "sidecar/sources/file/file_source.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <limits>
#include <thread>

#include "sidecar/sources/file/checkpoint_store.h"
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

// Offset stored in the checkpoint for `path`, or -1.
long long checkpoint_offset(const std::string& checkpoint, const std::string& path) {
  std::string error;
  auto entries = CheckpointStore::parse(testing::read_text(checkpoint), error);
  if (!entries) return -1;
  for (const auto& e : *entries) {
    if (e.path == path) return static_cast<long long>(e.offset);
  }
  return -1;
}

class FileSourceTest : public ::testing::Test {
 protected:
  // A checkpoint entry for the file at `path` as it is now (device and inode), read up to
  // `offset`, whose first bytes were `head` (its fingerprint).
  static CheckpointEntry entry_for(const std::string& path, std::string_view head,
                                   std::uint64_t offset) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    CheckpointEntry entry;
    entry.path = path;
    entry.identity = {static_cast<std::uint64_t>(info.st_dev),
                      static_cast<std::uint64_t>(info.st_ino),
                      {head.size(), fingerprint_hash(head)}};
    entry.offset = offset;
    return entry;
  }

  TempDir logs_;
  TempDir state_;
  Harness harness_;
  RecordingConsumer consumer_;
};

TEST_F(FileSourceTest, TailsAGrowingNdjsonFileAndWaitsForAPartialLine) {
  const std::string path = logs_ / "app.json";
  write_file(path, ndjson_lines(0, 3));
  auto config = Harness::source_config("app", logs_ / "*.json");
  config.service = "svc";
  config.profile = "specular";
  auto source = harness_.make(config, Harness::fast_tail(), state_.path(), consumer_);
  EXPECT_FALSE(source->ready());
  EXPECT_EQ(source->not_ready_reason(), "file source app is not started");
  source->start();
  ASSERT_TRUE(wait_until([&] { return source->ready(); }));
  EXPECT_EQ(source->not_ready_reason(), "");
  ASSERT_TRUE(consumer_.wait_count(3));
  append_file(path, ndjson_lines(3, 5) + "{\"n\":5");
  ASSERT_TRUE(consumer_.wait_count(5));
  ASSERT_TRUE(wait_scans(*source, 3));
  EXPECT_EQ(consumer_.count(), 5u);  // the partial line waits
  append_file(path, "}\n");
  ASSERT_TRUE(consumer_.wait_count(6));
  source->stop(1000);
  auto records = consumer_.records();
  ASSERT_EQ(records.size(), 6u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(records[i].data, "{\"n\":" + std::to_string(i) + "}");
    EXPECT_EQ(records[i].format, RecordFormat::kJson);
    EXPECT_EQ(records[i].origin, path);
  }
  EXPECT_EQ(consumer_.last_source(), "app");
  EXPECT_EQ(consumer_.last_service(), "svc");
  EXPECT_EQ(consumer_.last_profile(), "specular");
  auto series = harness_.metrics().series("app");
  EXPECT_EQ(series.bytes_total.Value(), static_cast<double>(testing::file_size(path)));
  EXPECT_EQ(checkpoint_offset(source->checkpoint_path(), path),
            static_cast<long long>(testing::file_size(path)));
  EXPECT_GE(harness_.metrics().checkpoint_writes_total().Value(), 1.0);
}

// Keeps every batch whole (records, storage, acknowledgement) until the test looks at them.
class KeepingConsumer : public BatchConsumer {
 public:
  bool consume(RecordBatch&& batch) override {
    std::lock_guard lock(mutex_);
    kept_.push_back(std::move(batch));
    return true;
  }
  std::size_t records() const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& b : kept_) n += b.records.size();
    return n;
  }
  std::vector<RecordBatch> take() {
    std::lock_guard lock(mutex_);
    return std::move(kept_);
  }

 private:
  mutable std::mutex mutex_;
  std::vector<RecordBatch> kept_;
};

TEST_F(FileSourceTest, RecordsStayValidWhileTheirBatchLivesAndOneReadSharesOneBuffer) {
  const std::string path = logs_ / "app.json";
  write_file(path, ndjson_lines(0, 4));  // one read, two batches of two
  KeepingConsumer keeping;
  auto source = harness_.make(Harness::source_config("app", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), keeping, 2);
  source->start();
  ASSERT_TRUE(wait_until([&] { return keeping.records() == 4; }));
  // Later reads reuse the source's read buffer; the kept batches must not see it.
  for (int round = 0; round < 5; ++round) {
    append_file(path, ndjson_lines(100 + round * 10, 110 + round * 10));
    ASSERT_TRUE(wait_until([&] { return keeping.records() == 14u + 10u * round; }));
  }
  source->stop(1000);
  std::vector<RecordBatch> kept = keeping.take();
  ASSERT_GE(kept.size(), 2u);
  ASSERT_EQ(kept[0].records.size(), 2u);
  ASSERT_EQ(kept[1].records.size(), 2u);
  EXPECT_EQ(kept[0].storage.get(), kept[1].storage.get());
  ASSERT_NE(kept[0].storage.get(), nullptr);
  EXPECT_EQ(kept[0].records[0].data, "{\"n\":0}");
  EXPECT_EQ(kept[0].records[1].data, "{\"n\":1}");
  EXPECT_EQ(kept[1].records[0].data, "{\"n\":2}");
  EXPECT_EQ(kept[1].records[1].data, "{\"n\":3}");
  std::vector<std::string> all;
  for (const auto& batch : kept) {
    for (const auto& record : batch.records) {
      EXPECT_EQ(record.origin, path);
      all.emplace_back(record.data);
    }
  }
  ASSERT_EQ(all.size(), 54u);
  EXPECT_EQ(all[4], "{\"n\":100}");
  EXPECT_EQ(all[53], "{\"n\":149}");
}

// Lines of 100 bytes with their newline: {"n":<6 digits>,"pad":"x…x"}.
std::string hundred_byte_lines(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i) {
    std::string n = std::to_string(i);
    n.insert(0, 6 - n.size(), '0');
    out += "{\"n\":" + n + ",\"pad\":\"" + std::string(78, 'x') + "\"}\n";
  }
  return out;
}

TEST_F(FileSourceTest, LargeReadsRecycleTheirBlocksAndACaughtUpSourceKeepsNone) {
  ASSERT_EQ(hundred_byte_lines(0, 1).size(), 100u);
  const std::string path = logs_ / "app.json";
  write_file(path, hundred_byte_lines(0, 30000));  // 3,000,000 bytes: three reads of 1 MiB
  TailConfig tail = Harness::fast_tail();
  tail.read_buffer_bytes = 1024 * 1024;
  KeepingConsumer keeping;
  auto source =
      harness_.make(Harness::source_config("app", logs_ / "*.json"), tail, state_.path(), keeping);
  source->start();
  ASSERT_TRUE(wait_until([&] { return keeping.records() == 30000; }));
  // Every batch still held: each of the two full reads and the third (more than half a block)
  // took a block of its own; nothing could be kept.
  EXPECT_EQ(source->read_block_allocations_for_test(), 3u);
  EXPECT_EQ(source->kept_read_blocks_for_test(), 0u);
  std::vector<RecordBatch> kept = keeping.take();
  std::size_t n = 0;
  const std::string expected = hundred_byte_lines(0, 30000);
  for (const RecordBatch& batch : kept) {
    for (const Record& record : batch.records) {
      ASSERT_EQ(record.data, std::string_view(expected).substr(n * 100, 99)) << n;
      ++n;
    }
  }
  EXPECT_EQ(n, 30000u);
  // Released: two blocks are kept for the next reads, then freed once the source has caught up.
  kept.clear();
  ASSERT_TRUE(wait_until([&] { return source->kept_read_blocks_for_test() == 0; }));

  // Released as they are consumed (this consumer copies the records and drops the batch before
  // the source reads on), the blocks of the next reads are recycled: four reads of 1 MiB and a
  // small one, into one block.
  RecordingConsumer recording;
  const std::string second = logs_ / "second.json";
  write_file(second, hundred_byte_lines(0, 44000));
  auto again = harness_.make(Harness::source_config("again", logs_ / "second.json"), tail,
                             state_.path(), recording);
  again->start();
  ASSERT_TRUE(recording.wait_count(44000));
  again->stop(1000);
  EXPECT_EQ(again->read_block_allocations_for_test(), 1u);
  const auto records = recording.records();
  ASSERT_EQ(records.size(), 44000u);
  const std::string expected_second = hundred_byte_lines(0, 44000);
  for (std::size_t i = 0; i < records.size(); ++i) {
    ASSERT_EQ(records[i].data, expected_second.substr(i * 100, 99)) << i;
  }
  source->stop(1000);
}

TEST_F(FileSourceTest, TheLargestReadBufferSettingReadsAFileWithBlocksOfItsSize) {
  // tail.read_buffer_bytes accepts up to 2^63 - 1: reads are still sized by the file's news.
  write_file(logs_ / "a.json", ndjson_lines(0, 3));
  TailConfig tail = Harness::fast_tail();
  tail.read_buffer_bytes = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  auto source =
      harness_.make(Harness::source_config("s", logs_ / "*.json"), tail, state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(3));
  append_file(logs_ / "a.json", ndjson_lines(3, 5));
  ASSERT_TRUE(consumer_.wait_count(5));
  source->stop(1000);
  const auto records = consumer_.records();
  ASSERT_EQ(records.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(records[i].data, "{\"n\":" + std::to_string(i) + "}");
  EXPECT_EQ(source->read_block_allocations_for_test(), 0u);
}

TEST_F(FileSourceTest, BatchesHoldAtMostBatchMaxRecords) {
  write_file(logs_ / "a.json", ndjson_lines(0, 7));
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_, 3);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(7));
  source->stop(1000);
  EXPECT_EQ(consumer_.batch_sizes(), (std::vector<std::size_t>{3, 3, 1}));
}

TEST_F(FileSourceTest, JsonStreamOfPrettyPrintedEventsWrittenInPieces) {
  const std::string path = logs_ / "trace_run.json";
  write_file(path, "");
  auto config = Harness::source_config("specular", logs_ / "trace_*.json");
  config.framing = Framing::kJsonStream;
  auto source = harness_.make(config, Harness::fast_tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(wait_until([&] { return source->ready(); }));
  const std::string first =
      "{\n  \"event\": \"llm_call\",\n  \"tokens\": {\"in\": 10, \"out\": 3}\n}";
  const std::string second = "{\n  \"event\": \"tool\",\n  \"text\": \"a } b\"\n}";
  append_file(path, first.substr(0, 20));
  ASSERT_TRUE(wait_scans(*source, 2));
  EXPECT_EQ(consumer_.count(), 0u);
  append_file(path, first.substr(20) + "\n" + second.substr(0, 30));
  ASSERT_TRUE(consumer_.wait_count(1));
  append_file(path, second.substr(30) + "\n");
  ASSERT_TRUE(consumer_.wait_count(2));
  source->stop(1000);
  EXPECT_EQ(consumer_.data(), (std::vector<std::string>{first, second}));
}

TEST_F(FileSourceTest, LinesAreTextWithoutTerminators) {
  write_file(logs_ / "x.log", "alpha\r\nbeta\n\ngamma\n");
  auto config = Harness::source_config("lines", logs_ / "*.log");
  config.framing = Framing::kLines;
  auto source = harness_.make(config, Harness::fast_tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(3));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  auto records = consumer_.records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].data, "alpha");
  EXPECT_EQ(records[1].data, "beta");
  EXPECT_EQ(records[2].data, "gamma");
  EXPECT_EQ(records[0].format, RecordFormat::kText);
}

TEST_F(FileSourceTest, StartAtEndSkipsExistingContentButReadsNewFilesWhole) {
  const std::string old_file = logs_ / "old.json";
  write_file(old_file, ndjson_lines(0, 3) + "{\"n\":3");  // ends in a partial line
  auto config = Harness::source_config("s", logs_ / "*.json");
  config.start_at = StartAt::kEnd;
  auto source = harness_.make(config, Harness::fast_tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(wait_until([&] { return source->ready(); }));
  ASSERT_TRUE(wait_scans(*source, 2));
  EXPECT_EQ(consumer_.count(), 0u);
  append_file(old_file, "}\n");
  write_file(logs_ / "new.json", ndjson_lines(10, 12));
  ASSERT_TRUE(consumer_.wait_count(3));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  auto data = consumer_.data();
  std::sort(data.begin(), data.end());
  EXPECT_EQ(data, (std::vector<std::string>{"{\"n\":10}", "{\"n\":11}", "{\"n\":3}"}));
}

TEST_F(FileSourceTest, ResumesFromTheCheckpointAfterARestart) {
  const std::string path = logs_ / "a.json";
  write_file(path, ndjson_lines(0, 5));
  auto config = Harness::source_config("s", logs_ / "*.json");
  config.start_at = StartAt::kEnd;  // must not matter once a checkpoint exists
  {
    auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                                state_.path(), consumer_);
    source->start();
    ASSERT_TRUE(consumer_.wait_count(5));
    source->stop(1000);
    EXPECT_EQ(checkpoint_offset(source->checkpoint_path(), path),
              static_cast<long long>(testing::file_size(path)));
  }
  append_file(path, ndjson_lines(5, 8));
  write_file(logs_ / "b.json", ndjson_lines(100, 101));  // created while stopped: read whole
  RecordingConsumer after;
  auto source = harness_.make(config, Harness::fast_tail(), state_.path(), after);
  source->start();
  ASSERT_TRUE(after.wait_count(4));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  auto data = after.data();
  std::sort(data.begin(), data.end());
  EXPECT_EQ(data, (std::vector<std::string>{"{\"n\":100}", "{\"n\":5}", "{\"n\":6}", "{\"n\":7}"}));
}

TEST_F(FileSourceTest, HeldAcksKeepTheCheckpointBackUntilReleasedInOrder) {
  const std::string path = logs_ / "a.json";
  const std::string first_two = ndjson_lines(0, 2);
  write_file(path, ndjson_lines(0, 4));
  consumer_.hold_acks(true);
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_, 2);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(4));
  ASSERT_EQ(consumer_.batches(), 2u);
  const std::string checkpoint = source->checkpoint_path();
  ASSERT_TRUE(wait_until([&] { return checkpoint_offset(checkpoint, path) == 0; }));
  // The second batch alone does not move the checkpoint past the first.
  consumer_.release(1);
  ASSERT_TRUE(wait_scans(*source, 3));
  EXPECT_EQ(checkpoint_offset(checkpoint, path), 0);
  consumer_.release(0);
  ASSERT_TRUE(wait_until([&] {
    return checkpoint_offset(checkpoint, path) == static_cast<long long>(first_two.size() * 2);
  }));
  source->stop(1000);
}

// A consumer as slow as a busy pipeline: 2 ms per batch, acknowledged when consume returns.
class SlowConsumer : public BatchConsumer {
 public:
  bool consume(RecordBatch&& batch) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    records_ += batch.records.size();
    return true;
  }
  std::size_t count() const { return records_.load(); }

 private:
  std::atomic<std::size_t> records_{0};
};

TEST_F(FileSourceTest, ALongBacklogReadPersistsCheckpointsWhileItReads) {
  // About 900 KB in 4 KiB reads: one read cycle (64 rounds of 4 reads) takes it all, at 2 ms per
  // batch half a second. Checkpoints must be written during it, every checkpoint_interval_ms
  // (20 ms), not only once the cycle returns, or a crash would re-read the whole backlog.
  const std::string path = logs_ / "backlog.json";
  const std::string text = ndjson_lines(0, 60000);
  ASSERT_LT(text.size(), 64u * 4 * 4096);
  write_file(path, text);
  SlowConsumer slow;
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), slow);
  source->start();
  const std::string checkpoint = source->checkpoint_path();
  ASSERT_TRUE(wait_until([&] { return checkpoint_offset(checkpoint, path) > 0; }));
  EXPECT_LT(slow.count(), 60000u) << "the first checkpoint came only after the whole backlog";
  ASSERT_TRUE(wait_until([&] { return slow.count() == 60000u; }));
  source->stop(1000);
  EXPECT_EQ(checkpoint_offset(checkpoint, path), static_cast<long long>(text.size()));
}

TEST_F(FileSourceTest, StopWithUnacknowledgedBatchesRereadsThemAfterRestart) {
  const std::string path = logs_ / "a.json";
  write_file(path, ndjson_lines(0, 4));
  consumer_.hold_acks(true);
  {
    auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                                state_.path(), consumer_, 2);
    source->start();
    ASSERT_TRUE(consumer_.wait_count(4));
    consumer_.release(0);
    source->stop(50);  // the second batch stays unacknowledged
    EXPECT_EQ(checkpoint_offset(source->checkpoint_path(), path),
              static_cast<long long>(ndjson_lines(0, 2).size()));
  }
  RecordingConsumer after;
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), after, 2);
  source->start();
  ASSERT_TRUE(after.wait_count(2));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  EXPECT_EQ(after.data(), (std::vector<std::string>{"{\"n\":2}", "{\"n\":3}"}));
  consumer_.release_all();
}

TEST_F(FileSourceTest, CorruptCheckpointIsMovedAsideAndReadingStartsOver) {
  const std::string path = logs_ / "a.json";
  write_file(path, ndjson_lines(0, 2));
  std::filesystem::create_directories(state_ / "checkpoints");
  write_file(state_ / "checkpoints/s.json", "not json");
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(2));
  source->stop(1000);
  EXPECT_EQ(testing::read_text(state_ / "checkpoints/s.json.corrupt"), "not json");
  EXPECT_EQ(checkpoint_offset(state_ / "checkpoints/s.json", path),
            static_cast<long long>(testing::file_size(path)));
  EXPECT_NE(harness_.log().find("checkpoint unreadable; moved aside, starting without it"),
            std::string::npos);
}

TEST_F(FileSourceTest, CheckpointDisabledNeverWritesAndAlwaysStartsOver) {
  const std::string path = logs_ / "a.json";
  write_file(path, ndjson_lines(0, 2));
  auto config = Harness::source_config("s", logs_ / "*.json");
  config.checkpoint = false;
  for (int run = 0; run < 2; ++run) {
    RecordingConsumer consumer;
    auto source = harness_.make(config, Harness::fast_tail(), state_.path(), consumer);
    source->start();
    ASSERT_TRUE(consumer.wait_count(2));
    source->stop(1000);
    EXPECT_EQ(consumer.count(), 2u);
  }
  EXPECT_FALSE(std::filesystem::exists(state_ / "checkpoints"));
}

TEST_F(FileSourceTest, CheckpointOfAReusedInodeIsNotTrusted) {
  const std::string path = logs_ / "a.json";
  write_file(path, ndjson_lines(0, 3));
  ASSERT_EQ(CheckpointStore(state_.path(), "s").save({entry_for(path, "{\"old\":1", 8)}), "");
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(3));
  source->stop(1000);
  EXPECT_EQ(consumer_.data(), (std::vector<std::string>{"{\"n\":0}", "{\"n\":1}", "{\"n\":2}"}));
}

TEST_F(FileSourceTest, CheckpointWithMatchingFingerprintResumes) {
  const std::string path = logs_ / "a.json";
  write_file(path, ndjson_lines(0, 3));
  const CheckpointEntry entry =
      entry_for(path, ndjson_lines(0, 3).substr(0, 8), ndjson_lines(0, 2).size());
  ASSERT_EQ(CheckpointStore(state_.path(), "s").save({entry}), "");
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(1));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  EXPECT_EQ(consumer_.data(), (std::vector<std::string>{"{\"n\":2}"}));
}

// Checkpoints of a build that hashed tails with FNV-1a: a file whose bytes before the offset are
// still those resumes there, and the next checkpoint holds an XXH3 tail; one rewritten before the
// offset is read from its start.
TEST_F(FileSourceTest, CheckpointWithAnFnvTailOfAnOlderBuildResumesOrRereads) {
  const std::string kept = logs_ / "a.json";
  const std::string rewritten = logs_ / "b.json";
  write_file(kept, ndjson_lines(0, 3));
  write_file(rewritten, ndjson_lines(10, 13));
  std::vector<CheckpointEntry> entries;
  for (const auto& [path, first] : {std::pair{kept, 0}, std::pair{rewritten, 10}}) {
    const std::string read = ndjson_lines(first, first + 2);
    CheckpointEntry entry = entry_for(path, read.substr(0, 8), read.size());
    entry.tail = {read.size(), read.size(), fingerprint_hash(read), TailHash::kFnv1a};
    entries.push_back(entry);
  }
  // b.json's second line changed in place (same length, same first bytes): not what was read.
  std::string changed = ndjson_lines(10, 13);
  changed[changed.find("11")] = '9';
  write_file(rewritten, changed);
  ASSERT_EQ(CheckpointStore(state_.path(), "s").save(entries), "");
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(4));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  auto data = consumer_.data();
  std::sort(data.begin(), data.end());
  EXPECT_EQ(data,
            (std::vector<std::string>{"{\"n\":10}", "{\"n\":12}", "{\"n\":2}", "{\"n\":91}"}));
  CheckpointLoad load = CheckpointStore(state_.path(), "s").load();
  ASSERT_EQ(load.entries.size(), 2u);
  for (const auto& entry : load.entries) {
    const std::string text = entry.path == kept ? ndjson_lines(0, 3) : changed;
    EXPECT_EQ(entry.offset, text.size());
    EXPECT_EQ(entry.tail, (TailCheck{text.size(), text.size(), tail_hash(text), TailHash::kXxh3}))
        << entry.path;
  }
}

TEST_F(FileSourceTest, SameInodeWithNewContentIsReadFromTheStart) {
  const std::string path = logs_ / "a.json";
  write_file(path, "{\"gen\":\"one\"}\n");
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(1));
  // Overwrite in place (same inode, no truncation) with longer, different content.
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  const std::string fresh = "{\"gen\":\"two\",\"i\":1}\n{\"gen\":\"two\",\"i\":2}\n";
  ASSERT_EQ(::pwrite(fd, fresh.data(), fresh.size(), 0), static_cast<ssize_t>(fresh.size()));
  ::close(fd);
  ASSERT_TRUE(consumer_.wait_count(3));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  EXPECT_EQ(consumer_.data(),
            (std::vector<std::string>{"{\"gen\":\"one\"}", "{\"gen\":\"two\",\"i\":1}",
                                      "{\"gen\":\"two\",\"i\":2}"}));
}

TEST_F(FileSourceTest, PollOnlyWithoutInotifySeesEverything) {
  auto tail = Harness::fast_tail();
  tail.inotify = false;
  auto source = harness_.make(Harness::source_config("s", logs_ / "sub/*.json"), tail,
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(wait_until([&] { return source->ready(); }));
  std::filesystem::create_directories(logs_ / "sub");
  write_file(logs_ / "sub/a.json", ndjson_lines(0, 2));
  ASSERT_TRUE(consumer_.wait_count(2));
  append_file(logs_ / "sub/a.json", ndjson_lines(2, 3));
  ASSERT_TRUE(consumer_.wait_count(3));
  ASSERT_EQ(::rename((logs_ / "sub/a.json").c_str(), (logs_ / "sub/a.1.json").c_str()), 0);
  write_file(logs_ / "sub/a.json", ndjson_lines(3, 4));
  ASSERT_TRUE(consumer_.wait_count(4));
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  EXPECT_EQ(consumer_.count(), 4u);
}

TEST_F(FileSourceTest, InotifyOverflowCausesARescanAndIsCounted) {
  auto tail = Harness::fast_tail();
  tail.poll_interval_ms = 600000;  // no poll during the test: only the rescan can find the file
  auto source = harness_.make(Harness::source_config("s", logs_ / "later/*.json"), tail,
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(wait_until([&] { return source->ready(); }));
  std::filesystem::create_directories(logs_ / "later");
  write_file(logs_ / "later/a.json", ndjson_lines(0, 2));
  EXPECT_EQ(harness_.error_count("s", "inotify_overflow"), 0.0);
  source->inject_inotify_overflow_for_test();
  ASSERT_TRUE(consumer_.wait_count(2));
  EXPECT_EQ(harness_.error_count("s", "inotify_overflow"), 1.0);
  // The directory is watched from now on.
  append_file(logs_ / "later/a.json", ndjson_lines(2, 3));
  ASSERT_TRUE(consumer_.wait_count(3));
  source->stop(1000);
}

TEST_F(FileSourceTest, DirectoryInPlaceOfAFileIsReportedOnceAndOthersAreRead) {
  std::filesystem::create_directories(logs_ / "x.json");
  write_file(logs_ / "a.json", ndjson_lines(0, 1));
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(1));
  ASSERT_TRUE(wait_scans(*source, 3));
  EXPECT_EQ(harness_.error_count("s", "not_a_regular_file"), 1.0);
  // A tracked file replaced by a directory.
  ASSERT_EQ(::unlink((logs_ / "a.json").c_str()), 0);
  std::filesystem::create_directories(logs_ / "a.json");
  ASSERT_TRUE(wait_until([&] { return harness_.error_count("s", "not_a_regular_file") == 2.0; }));
  write_file(logs_ / "b.json", ndjson_lines(1, 2));
  ASSERT_TRUE(consumer_.wait_count(2));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  EXPECT_EQ(harness_.error_count("s", "not_a_regular_file"), 2.0);
  EXPECT_NE(harness_.log().find("is a directory"), std::string::npos);
}

// The permission scenario, written without gtest assertions so that it can also run in a child
// process that has dropped root. Returns 0 on success, otherwise the number of the failed step.
int permission_denied_scenario(const std::string& logs, const std::string& state) {
  auto put = [](const std::string& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return ok;
  };
  const std::string locked = logs + "/locked.json";
  if (!put(locked, ndjson_lines(0, 1)) || ::chmod(locked.c_str(), 0) != 0) return 1;
  if (!put(logs + "/open.json", ndjson_lines(1, 2))) return 2;
  Harness harness;
  RecordingConsumer consumer;
  auto source = harness.make(Harness::source_config("s", logs + "/*.json"), Harness::fast_tail(),
                             state, consumer);
  source->start();
  if (!consumer.wait_count(1) || !wait_scans(*source, 3)) return 3;
  if (harness.error_count("s", "permission_denied") != 1.0) return 4;
  if (consumer.data() != std::vector<std::string>{"{\"n\":1}"}) return 5;
  if (::chmod(locked.c_str(), 0644) != 0) return 6;
  if (!consumer.wait_count(2)) return 7;
  source->stop(1000);
  if (harness.error_count("s", "permission_denied") != 1.0) return 8;
  if (consumer.data() != std::vector<std::string>{"{\"n\":1}", "{\"n\":0}"}) return 9;
  if (harness.log().find("cannot open " + locked + ": Permission denied") == std::string::npos) {
    return 10;
  }
  return 0;
}

TEST_F(FileSourceTest, PermissionDeniedIsReportedAndRetried) {
  if (::geteuid() != 0) {
    EXPECT_EQ(permission_denied_scenario(logs_.path(), state_.path()), 0);
    return;
  }
  // Root reads any file whatever its mode: run the same scenario as an unprivileged user in a
  // child process.
  constexpr uid_t kNobody = 65534;
  ASSERT_EQ(::chown(logs_.path().c_str(), kNobody, kNobody), 0);
  ASSERT_EQ(::chown(state_.path().c_str(), kNobody, kNobody), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0) {
      ::_exit(100);
    }
    ::_exit(permission_denied_scenario(logs_.path(), state_.path()));
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

long long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

TEST_F(FileSourceTest, HundredMegabyteLineIsSkippedWithBoundedMemory) {
  const std::string path = logs_ / "big.json";
  write_file(path, "{\"a\":1}\n");
  {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    std::string chunk(1 << 20, 'x');
    for (int i = 0; i < 100; ++i) {
      ASSERT_EQ(::write(fd, chunk.data(), chunk.size()), static_cast<ssize_t>(chunk.size()));
    }
    ::close(fd);
  }
  append_file(path, "\n{\"b\":2}\n");
  long long before = peak_rss_kib();
  auto config = Harness::source_config("s", logs_ / "*.json");
  config.max_record_bytes = 1 << 20;
  auto tail = Harness::fast_tail();
  tail.read_buffer_bytes = 262144;
  auto source = harness_.make(config, tail, state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(2));
  source->stop(1000);
  EXPECT_EQ(consumer_.data(), (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"}));
  EXPECT_EQ(harness_.error_count("s", "record_too_large"), 1.0);
  EXPECT_EQ(checkpoint_offset(source->checkpoint_path(), path),
            static_cast<long long>(testing::file_size(path)));
  long long after = peak_rss_kib();
  ASSERT_GT(before, 0);
  EXPECT_LT(after - before, 32 * 1024) << "peak memory grew by " << (after - before) << " KiB";
}

TEST_F(FileSourceTest, MetricsTrackFilesAndLag) {
  write_file(logs_ / "a.json", ndjson_lines(0, 2));
  write_file(logs_ / "b.json", ndjson_lines(2, 3));
  auto source = harness_.make(Harness::source_config("m", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(3));
  auto series = harness_.metrics().series("m");
  ASSERT_TRUE(wait_until([&] { return series.files.Value() == 2.0; }));
  EXPECT_EQ(series.lag_bytes.Value(), 0.0);
  EXPECT_EQ(series.bytes_total.Value(),
            static_cast<double>(ndjson_lines(0, 2).size() + ndjson_lines(2, 3).size()));
  source->stop(1000);
}

class RefusingConsumer : public BatchConsumer {
 public:
  bool consume(RecordBatch&&) override {
    calls.fetch_add(1);
    return false;
  }
  std::atomic<int> calls{0};
};

TEST_F(FileSourceTest, ConsumerRefusalStopsReadingAndKeepsTheDataForLater) {
  const std::string path = logs_ / "a.json";
  write_file(path, ndjson_lines(0, 4));
  RefusingConsumer refusing;
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), refusing, 2);
  source->start();
  ASSERT_TRUE(wait_until([&] { return refusing.calls.load() == 1; }));
  source->stop(100);
  EXPECT_EQ(refusing.calls.load(), 1);  // no further batch after the refusal
  EXPECT_EQ(checkpoint_offset(source->checkpoint_path(), path), 0);
  source->stop(100);  // a second stop is harmless
}

TEST_F(FileSourceTest, StopWithoutStartIsHarmless) {
  auto source = harness_.make(Harness::source_config("s", logs_ / "*.json"), Harness::fast_tail(),
                              state_.path(), consumer_);
  source->stop(0);
  EXPECT_FALSE(source->ready());
  EXPECT_EQ(source->not_ready_reason(), "file source s is stopped");
  EXPECT_FALSE(std::filesystem::exists(state_ / "checkpoints"));
}

}  // namespace
}  // namespace specwatch
