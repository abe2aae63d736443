// json-document framing: whole files rewritten in place, deduplicated by record key.
#include <gtest/gtest.h>

#include <algorithm>

#include "sidecar/sources/file/checkpoint_store.h"
#include "sidecar/sources/file/file_source.h"
#include "tests/unit/sources/file/test_support.h"

namespace specwatch {
namespace {

using testing::Harness;
using testing::RecordingConsumer;
using testing::replace_file;
using testing::TempDir;
using testing::wait_scans;
using testing::wait_until;

std::string runs(int from, int to) {
  std::string out = "[";
  for (int i = from; i < to; ++i) {
    if (i > from) out += ",";
    out += "{\"run_id\":\"r" + std::to_string(i) + "\",\"score\":" + std::to_string(i) + "}";
  }
  return out + "]";
}

class DocumentTest : public ::testing::Test {
 protected:
  FileSourceConfig config(std::size_t seen_limit = 100000) {
    auto c = Harness::source_config("doc", logs_ / "metrics.json");
    c.framing = Framing::kJsonDocument;
    c.document_key = "run_id";
    c.document_seen_limit = seen_limit;
    return c;
  }
  std::string path() { return logs_ / "metrics.json"; }

  TempDir logs_;
  TempDir state_;
  Harness harness_;
  RecordingConsumer consumer_;
};

TEST_F(DocumentTest, RewriteWithOneNewElementEmitsExactlyOneRecord) {
  replace_file(path(), runs(0, 2));
  auto source = harness_.make(config(), Harness::fast_tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(2));
  replace_file(path(), runs(0, 3));
  ASSERT_TRUE(consumer_.wait_count(3));
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  auto records = consumer_.records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].data, "{\"run_id\":\"r0\",\"score\":0}");
  EXPECT_EQ(records[2].data, "{\"run_id\":\"r2\",\"score\":2}");
  EXPECT_EQ(records[2].origin, path());
  EXPECT_EQ(records[2].format, RecordFormat::kJson);
}

TEST_F(DocumentTest, RestartDoesNotEmitAgain) {
  replace_file(path(), runs(0, 3));
  {
    auto source = harness_.make(config(), Harness::fast_tail(), state_.path(), consumer_);
    source->start();
    ASSERT_TRUE(consumer_.wait_count(3));
    source->stop(1000);
  }
  std::string error;
  auto entries = CheckpointStore::parse(testing::read_text(state_ / "checkpoints/doc.json"), error);
  ASSERT_TRUE(entries.has_value()) << error;
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].seen_keys, (std::vector<std::string>{"r0", "r1", "r2"}));

  replace_file(path(), runs(0, 4));
  RecordingConsumer after;
  auto source = harness_.make(config(), Harness::fast_tail(), state_.path(), after);
  source->start();
  ASSERT_TRUE(after.wait_count(1));
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  EXPECT_EQ(after.data(), (std::vector<std::string>{"{\"run_id\":\"r3\",\"score\":3}"}));
}

TEST_F(DocumentTest, SeenSetIsBoundedToTheLimit) {
  replace_file(path(), runs(0, 5));
  auto source = harness_.make(config(3), Harness::fast_tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(5));
  source->stop(1000);
  std::string error;
  auto entries = CheckpointStore::parse(testing::read_text(state_ / "checkpoints/doc.json"), error);
  ASSERT_TRUE(entries.has_value()) << error;
  EXPECT_EQ((*entries)[0].seen_keys, (std::vector<std::string>{"r2", "r3", "r4"}));
}

TEST_F(DocumentTest, InvalidJsonMidRewriteIsReportedThenTheValidDocumentRead) {
  replace_file(path(), "[{\"run_id\":\"r0\"},{\"run_id\":");
  auto source = harness_.make(config(), Harness::fast_tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(wait_until([&] { return harness_.error_count("doc", "invalid_json") == 1.0; }));
  ASSERT_TRUE(wait_scans(*source, 3));
  EXPECT_EQ(harness_.error_count("doc", "invalid_json"), 1.0);  // once per content, not per poll
  EXPECT_EQ(consumer_.count(), 0u);
  replace_file(path(), runs(0, 2));
  ASSERT_TRUE(consumer_.wait_count(2));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  EXPECT_EQ(consumer_.count(), 2u);
  EXPECT_EQ(harness_.error_count("doc", "invalid_json"), 1.0);
}

TEST_F(DocumentTest, KeysInFlightAreNotEmittedAgain) {
  consumer_.hold_acks(true);
  replace_file(path(), runs(0, 2));
  auto source = harness_.make(config(), Harness::fast_tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(2));
  replace_file(path(), runs(0, 3));
  ASSERT_TRUE(consumer_.wait_count(3));
  ASSERT_TRUE(wait_scans(*source, 3));
  consumer_.release_all();
  source->stop(1000);
  EXPECT_EQ(consumer_.count(), 3u);
}

TEST_F(DocumentTest, TooLargeDocumentIsNotRead) {
  replace_file(path(), runs(0, 50));
  auto c = config();
  c.document_max_bytes = 100;
  auto source = harness_.make(c, Harness::fast_tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(wait_until([&] { return harness_.error_count("doc", "document_too_large") == 1.0; }));
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  EXPECT_EQ(consumer_.count(), 0u);
  EXPECT_EQ(harness_.error_count("doc", "document_too_large"), 1.0);
}

TEST_F(DocumentTest, StartAtEndOnlyLearnsExistingRecords) {
  replace_file(path(), runs(0, 2));
  auto c = config();
  c.start_at = StartAt::kEnd;
  auto source = harness_.make(c, Harness::fast_tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(wait_scans(*source, 3));
  EXPECT_EQ(consumer_.count(), 0u);
  replace_file(path(), runs(0, 3));
  ASSERT_TRUE(consumer_.wait_count(1));
  ASSERT_TRUE(wait_scans(*source, 2));
  source->stop(1000);
  EXPECT_EQ(consumer_.data(), (std::vector<std::string>{"{\"run_id\":\"r2\",\"score\":2}"}));
}

TEST_F(DocumentTest, ArrayRewrittenInPlaceSameInodeEmitsOnlyTheNewElement) {
  testing::write_file(path(), runs(0, 2));
  struct stat before {};
  ASSERT_EQ(::stat(path().c_str(), &before), 0);
  auto source = harness_.make(config(), Harness::fast_tail(), state_.path(), consumer_);
  source->start();
  ASSERT_TRUE(consumer_.wait_count(2));
  // Rewrite the same inode: the new document is longer, so one write replaces it whole.
  const std::string rewritten = runs(0, 3);
  int fd = ::open(path().c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::pwrite(fd, rewritten.data(), rewritten.size(), 0),
            static_cast<ssize_t>(rewritten.size()));
  ::close(fd);
  struct stat after {};
  ASSERT_EQ(::stat(path().c_str(), &after), 0);
  ASSERT_EQ(before.st_ino, after.st_ino);
  ASSERT_TRUE(consumer_.wait_count(3));
  ASSERT_TRUE(wait_scans(*source, 3));
  source->stop(1000);
  EXPECT_EQ(consumer_.data(), (std::vector<std::string>{"{\"run_id\":\"r0\",\"score\":0}",
                                                        "{\"run_id\":\"r1\",\"score\":1}",
                                                        "{\"run_id\":\"r2\",\"score\":2}"}));
}

}  // namespace
}  // namespace specwatch
