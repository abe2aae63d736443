// FileReader::read_chunk: the records of a read are views of the block it read into, which has
// kRecordPadding defined bytes after the last of them; a record completed from an earlier read is
// copied with its own padding; a read is sized by the file's last stat.
#include "sidecar/sources/file/file_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/unit/sources/file/test_support.h"

namespace specwatch {
namespace {

using testing::TempDir;
using testing::write_file;

class FileReaderTest : public ::testing::Test {
 protected:
  // A reader of `content`, written to a file of its own, from offset `start`.
  FileReader open_reader(const std::string& content, std::uint64_t start = 0) {
    path_ = dir_.path() + "/a.json";
    write_file(path_, content);
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    EXPECT_GE(fd, 0);
    return FileReader(path_, fd, FileIdentity{}, Framing::kNdjson, 1024, start);
  }

  std::int64_t read(FileReader& reader, std::size_t max_bytes, std::uint64_t file_size) {
    std::string error;
    const std::int64_t n =
        reader.read_chunk(max_bytes, file_size, 1000, *blocks_, storage_, records_, errors_, error);
    EXPECT_EQ(error, "");
    return n;
  }

  // Whether `bytes` lies inside the block of storage_, which is `block_size` bytes long.
  bool in_block(std::string_view bytes, std::size_t block_size) const {
    const char* begin = storage_.block.get();
    return bytes.data() >= begin && bytes.data() + bytes.size() <= begin + block_size;
  }

  TempDir dir_;
  std::string path_;
  std::shared_ptr<ReadBlockPool> blocks_ = ReadBlockPool::create(2 * 1024 * 1024);
  ReadStorage storage_;
  std::vector<FramedRecord> records_;
  std::vector<FramedError> errors_;
};

TEST_F(FileReaderTest, NothingNewAtTheLastStatReadsNothingAndAllocatesNoBlock) {
  const std::string content = "{\"a\":1}\n";
  FileReader reader = open_reader(content, content.size());
  EXPECT_EQ(read(reader, 262144, content.size()), 0);
  EXPECT_EQ(storage_.block, nullptr);
  EXPECT_TRUE(records_.empty());
  EXPECT_EQ(reader.read_offset(), content.size());
}

TEST_F(FileReaderTest, RecordsAreViewsOfTheBlockWithPaddingAfterTheLast) {
  const std::string content = "{\"a\":1}\n{\"bb\":22}\n";
  FileReader reader = open_reader(content);
  ASSERT_EQ(read(reader, 262144, content.size()), static_cast<std::int64_t>(content.size()));
  // The block: the path, the bytes read (none before offset 0), then the padding.
  const std::size_t block_size = path_.size() + content.size() + kRecordPadding;
  EXPECT_EQ(storage_.path(), path_);
  ASSERT_EQ(records_.size(), 2u);
  EXPECT_EQ(records_[0].bytes, "{\"a\":1}");
  EXPECT_EQ(records_[1].bytes, "{\"bb\":22}");
  EXPECT_EQ(records_[0].bytes.data(), storage_.block.get() + path_.size());
  EXPECT_EQ(records_[1].end_offset, content.size());
  for (const FramedRecord& r : records_) {
    EXPECT_TRUE(in_block(r.bytes, block_size));
    // What a parser reading ahead may touch is still the block's.
    EXPECT_TRUE(in_block({r.bytes.data(), r.bytes.size() + kRecordPadding}, block_size));
  }
  EXPECT_EQ(std::string_view(storage_.block.get() + block_size - kRecordPadding, kRecordPadding),
            std::string(kRecordPadding, ' '));
  EXPECT_TRUE(storage_.spilled.empty());
}

TEST_F(FileReaderTest, ARecordSpanningTwoReadsIsCopiedWithItsOwnPadding) {
  const std::string content = "{\"a\":1}\n{\"bb\":22}\n{\"c\":3}\n";
  FileReader reader = open_reader(content);
  ASSERT_EQ(read(reader, 12, content.size()), 12);  // "{"a":1}\n{"bb"
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].bytes, "{\"a\":1}");
  EXPECT_TRUE(storage_.spilled.empty());

  records_.clear();
  storage_ = ReadStorage{};
  const auto rest = static_cast<std::int64_t>(content.size() - 12);
  ASSERT_EQ(read(reader, 262144, content.size()), rest);
  ASSERT_EQ(records_.size(), 2u);
  EXPECT_EQ(records_[0].bytes, "{\"bb\":22}");
  EXPECT_EQ(records_[1].bytes, "{\"c\":3}");
  // The first began in the earlier read: a copy, followed by kRecordPadding spaces of its own.
  ASSERT_EQ(storage_.spilled.size(), 1u);
  EXPECT_EQ(records_[0].bytes.data(), storage_.spilled.front().data());
  EXPECT_EQ(storage_.spilled.front(), "{\"bb\":22}" + std::string(kRecordPadding, ' '));
  // The second lies in this read's block, after the bytes kept from the previous read.
  const std::size_t block_size =
      path_.size() + 12 + static_cast<std::size_t>(rest) + kRecordPadding;
  EXPECT_TRUE(
      in_block({records_[1].bytes.data(), records_[1].bytes.size() + kRecordPadding}, block_size));
  EXPECT_EQ(records_[1].end_offset, content.size());
}

TEST_F(FileReaderTest, AReadTakesNoMoreThanTheFileHeldAtItsLastStat) {
  // The file grew after the stat: the block is sized by the stat, the rest is the next read's.
  const std::string content = "{\"a\":1}\n{\"b\":2}\n";
  FileReader reader = open_reader(content);
  ASSERT_EQ(read(reader, 262144, 8), 8);
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].bytes, "{\"a\":1}");
  EXPECT_EQ(reader.read_offset(), 8u);
  records_.clear();
  ASSERT_EQ(read(reader, 262144, content.size()), 8);
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].bytes, "{\"b\":2}");
}

TEST_F(FileReaderTest, LargeReadsGoIntoRecycledBlocksAndSmallOnesDoNot) {
  // 1.5 MiB of 100-byte records: a read of 1.25 MiB fills more than half of the pool's 2 MiB
  // block, the rest (256 KiB) does not.
  std::string line = "{\"n\":\"" + std::string(91, 'x') + "\"}\n";
  ASSERT_EQ(line.size(), 100u);
  std::string content;
  for (int i = 0; i < 15 * 1024; ++i) content += line;
  FileReader reader = open_reader(content);
  const std::size_t large = 1280 * 1024;
  ASSERT_EQ(read(reader, large, content.size()), static_cast<std::int64_t>(large));
  EXPECT_NE(storage_.block.get_deleter().pool, nullptr);
  EXPECT_EQ(blocks_->allocations(), 1u);
  ASSERT_EQ(records_.size(), 13107u);  // the 13,108th line ends past the read
  EXPECT_EQ(records_.back().end_offset, 1310700u);
  for (const FramedRecord& r : records_) ASSERT_EQ(r.bytes, line.substr(0, 99));
  const char* first_block = storage_.block.get();

  // Its batches released: the block is kept, and the next large read goes into it.
  storage_ = ReadStorage{};
  EXPECT_EQ(blocks_->free_blocks(), 1u);
  records_.clear();
  reader.restart_at(0);
  ASSERT_EQ(read(reader, large, content.size()), static_cast<std::int64_t>(large));
  EXPECT_EQ(storage_.block.get(), first_block);
  EXPECT_EQ(blocks_->allocations(), 1u);
  EXPECT_EQ(blocks_->free_blocks(), 0u);
  ASSERT_EQ(records_.size(), 13107u);
  EXPECT_EQ(records_[0].bytes, line.substr(0, 99));
  EXPECT_EQ(records_[0].bytes.data(), first_block + path_.size());

  // The rest of the file: a plain block of its size, not a kept one.
  ReadStorage kept = std::move(storage_);
  storage_ = ReadStorage{};
  records_.clear();
  const std::size_t rest = content.size() - large;
  ASSERT_EQ(read(reader, large, content.size()), static_cast<std::int64_t>(rest));
  EXPECT_EQ(storage_.block.get_deleter().pool, nullptr);
  EXPECT_EQ(blocks_->allocations(), 1u);
  ASSERT_EQ(records_.size(), 15360u - 13107u);  // the first completed from the read before
  EXPECT_EQ(records_.front().bytes, line.substr(0, 99));
  EXPECT_EQ(records_.back().end_offset, content.size());
  EXPECT_EQ(records_.back().bytes, line.substr(0, 99));
}

}  // namespace
}  // namespace specwatch
