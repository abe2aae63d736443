// The disk spool: entries read back in order across restarts, the cursor, segments deleted once
// committed, a corrupt or torn segment skipped and counted, a full spool blocking or dropping, a
// failing disk reported (never stored, never a crash).
#include "exporters/common/spool.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <vector>

#include "tests/unit/exporters/test_dir.h"

namespace specwatch {
namespace {

struct Corruption {
  std::vector<std::string> reports;
  DiskSpool::CorruptHandler handler() {
    return [this](const std::string& segment, const std::string& why) {
      reports.push_back(std::filesystem::path(segment).filename().string() + ": " + why);
    };
  }
};

class SpoolTest : public ::testing::Test {
 protected:
  SpoolOptions options(std::uint64_t max_bytes = 1 << 20, std::uint64_t segment_bytes = 0) {
    SpoolOptions out;
    out.dir = dir_.file("spool");
    out.max_bytes = max_bytes;
    out.segment_bytes = segment_bytes;
    out.cursor_interval = std::chrono::milliseconds(0);
    return out;
  }
  std::unique_ptr<DiskSpool> open(const SpoolOptions& opts) {
    auto spool = std::make_unique<DiskSpool>(opts, corruption_.handler());
    EXPECT_EQ(spool->open(), "");
    return spool;
  }
  static std::vector<std::string> read_all(DiskSpool& spool) {
    std::vector<std::string> out;
    while (auto entry = spool.next(std::chrono::milliseconds(0))) out.push_back(entry->payload);
    return out;
  }
  std::vector<std::string> segments() const {
    std::vector<std::string> out;
    for (const auto& item : std::filesystem::directory_iterator(dir_.file("spool"))) {
      if (item.path().extension() == ".seg") out.push_back(item.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  testing::ScratchDir dir_;
  Corruption corruption_;
};

// 28 bytes of record header + the payload.
constexpr std::uint64_t kHeader = 28;

// zlib's CRC-32 of the sequence, the time and the payload: what the spool wrote before it
// computed the same CRC with ISA-L.
std::uint32_t zlib_checksum(std::uint64_t sequence, std::int64_t written_ms,
                            const std::string& payload) {
  char fields[16];
  std::memcpy(fields, &sequence, 8);
  std::memcpy(fields + 8, &written_ms, 8);
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(fields), 16);
  crc =
      crc32(crc, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return static_cast<std::uint32_t>(crc);
}

TEST(SpoolChecksum, IsZlibsCrc32ForEveryLength) {
  std::string payload;
  for (std::size_t n = 0; n < 5000; n += (n < 130 ? 1 : 97)) {
    payload.resize(n);
    for (std::size_t i = 0; i < n; ++i) payload[i] = static_cast<char>((i * 2654435761u) >> 13);
    ASSERT_EQ(spool_record_checksum(n, -7, payload), zlib_checksum(n, -7, payload)) << n;
  }
  payload.assign(3 << 20, 'x');
  EXPECT_EQ(spool_record_checksum(42, 1736965845000, payload),
            zlib_checksum(42, 1736965845000, payload));
  EXPECT_EQ(spool_record_checksum(0, 0, ""), 0xECBB4B55u);  // Python: zlib.crc32(bytes(16))
}

TEST_F(SpoolTest, ASegmentWrittenWithZlibsCrcIsReadBack) {
  // A segment as an earlier version wrote it, its CRC from zlib: still valid.
  std::filesystem::create_directories(dir_.file("spool"));
  const std::string payload = R"({"event":{"kind":"log_record"},"message":"kept"})";
  std::string record;
  auto put = [&record](auto value) {
    record.append(reinterpret_cast<const char*>(&value), sizeof value);
  };
  put(std::uint32_t{0x50535753});
  put(static_cast<std::uint32_t>(payload.size()));
  put(std::uint64_t{7});
  put(std::int64_t{1736965845000});
  put(zlib_checksum(7, 1736965845000, payload));
  record += payload;
  std::ofstream(dir_.file("spool/00000000000000000007.seg"), std::ios::binary) << record;
  auto spool = open(options());
  const auto entry = spool->next(std::chrono::milliseconds(0));
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->sequence, 7u);
  EXPECT_EQ(entry->written_unix_ms, 1736965845000);
  EXPECT_EQ(entry->payload, payload);
  EXPECT_EQ(corruption_.reports, std::vector<std::string>{});
}

TEST_F(SpoolTest, EntriesComeBackInOrderAfterARestart) {
  {
    auto spool = open(options());
    for (const char* payload : {"a", "bb", "ccc"}) {
      ASSERT_EQ(spool->append(payload), DiskSpool::AppendResult::kStored);
    }
    EXPECT_EQ(spool->bytes(), 3 * kHeader + 6);
    auto first = spool->next(std::chrono::milliseconds(0));
    ASSERT_TRUE(first);
    EXPECT_EQ(first->payload, "a");
    EXPECT_EQ(first->sequence, 1u);
    spool->close();
  }
  auto spool = open(options());
  EXPECT_EQ(spool->bytes(), 3 * kHeader + 6);
  EXPECT_EQ(read_all(*spool), (std::vector<std::string>{"a", "bb", "ccc"}));
  // New entries after a restart go to a new segment, after the old ones.
  ASSERT_EQ(spool->append("d"), DiskSpool::AppendResult::kStored);
  EXPECT_EQ(read_all(*spool), (std::vector<std::string>{"d"}));
  EXPECT_EQ(segments().size(), 2u);
  EXPECT_TRUE(corruption_.reports.empty());
}

TEST_F(SpoolTest, CommittedEntriesAreNotReadAgainAfterARestartAndTheirSegmentsGo) {
  const std::string payload(1000, 'x');
  {
    auto spool = open(options(1 << 20, 4096));  // 4 records per segment
    for (int i = 0; i < 10; ++i) {
      ASSERT_EQ(spool->append(payload + std::to_string(i)), DiskSpool::AppendResult::kStored);
    }
    EXPECT_EQ(segments().size(), 3u);
    std::uint64_t sixth = 0;
    for (int i = 0; i < 6; ++i) sixth = spool->next(std::chrono::milliseconds(0))->sequence;
    spool->commit(sixth);
    // The first segment (entries 1-4) is wholly delivered; the second holds 5-8.
    EXPECT_EQ(segments().size(), 2u);
    EXPECT_EQ(spool->bytes(), 6 * (kHeader + 1001));
    spool->close();
  }
  auto spool = open(options(1 << 20, 4096));
  const std::vector<std::string> rest = read_all(*spool);
  ASSERT_EQ(rest.size(), 4u);
  EXPECT_EQ(rest.front(), payload + "6");
  EXPECT_EQ(rest.back(), payload + "9");
}

TEST_F(SpoolTest, EverythingCommittedLeavesNoSegmentAndOldestAgeClears) {
  auto spool = open(options());
  ASSERT_EQ(spool->append("a"), DiskSpool::AppendResult::kStored);
  ASSERT_EQ(spool->append("b"), DiskSpool::AppendResult::kStored);
  EXPECT_TRUE(spool->oldest_unix_ms().has_value());
  spool->next(std::chrono::milliseconds(0));
  const auto last = spool->next(std::chrono::milliseconds(0));
  spool->commit(last->sequence);
  EXPECT_EQ(spool->bytes(), 0u);
  EXPECT_TRUE(segments().empty());
  EXPECT_FALSE(spool->oldest_unix_ms().has_value());
  ASSERT_EQ(spool->append("c"), DiskSpool::AppendResult::kStored);
  EXPECT_EQ(read_all(*spool), (std::vector<std::string>{"c"}));
}

TEST_F(SpoolTest, ACorruptRecordSkipsTheRestOfItsSegmentAndIsCounted) {
  const std::string payload(1000, 'y');
  {
    auto spool = open(options(1 << 20, 4096));
    for (int i = 0; i < 8; ++i) {
      ASSERT_EQ(spool->append(payload + std::to_string(i)), DiskSpool::AppendResult::kStored);
    }
    spool->close();
  }
  // Flip one payload byte of the second record of the first segment.
  const std::string first = segments().front();
  {
    std::fstream file(first, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(kHeader + 1001 + kHeader + 10));
    file.put('z');
  }
  auto spool = open(options(1 << 20, 4096));
  const std::vector<std::string> read = read_all(*spool);
  // Entry 0, then the second segment (entries 4-7); entries 1-3 are skipped.
  ASSERT_EQ(read.size(), 5u);
  EXPECT_EQ(read[0], payload + "0");
  EXPECT_EQ(read[1], payload + "4");
  EXPECT_EQ(read[4], payload + "7");
  ASSERT_EQ(corruption_.reports.size(), 1u);
  EXPECT_EQ(corruption_.reports[0], std::filesystem::path(first).filename().string() +
                                        ": checksum mismatch at offset 1029");
}

TEST_F(SpoolTest, ATornTailLeftByACrashIsSkippedAndCounted) {
  {
    auto spool = open(options());
    ASSERT_EQ(spool->append("complete"), DiskSpool::AppendResult::kStored);
    ASSERT_EQ(spool->append("torn-record"), DiskSpool::AppendResult::kStored);
    spool->close();
  }
  std::filesystem::resize_file(segments().front(), kHeader + 8 + kHeader + 3);
  auto spool = open(options());
  EXPECT_EQ(read_all(*spool), (std::vector<std::string>{"complete"}));
  ASSERT_EQ(corruption_.reports.size(), 1u);
  EXPECT_NE(corruption_.reports[0].find(": truncated record at offset 36"), std::string::npos)
      << corruption_.reports[0];
}

TEST_F(SpoolTest, AFullSpoolBlocksTheAppendUntilACommitMakesRoom) {
  const std::string payload(4000, 'b');
  auto spool = open(options(1 << 20, 64 << 10));
  std::size_t stored = 0;
  while (spool->bytes() + kHeader + payload.size() <= (1u << 20)) {
    ASSERT_EQ(spool->append(payload), DiskSpool::AppendResult::kStored);
    ++stored;
  }
  auto blocked = std::async(std::launch::async, [&] { return spool->append(payload); });
  EXPECT_EQ(blocked.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout);
  // Delivering the first segment (17 entries: it rolls over once past 64 KiB) frees its room.
  std::uint64_t last = 0;
  for (int i = 0; i < 17; ++i) last = spool->next(std::chrono::milliseconds(0))->sequence;
  spool->commit(last);
  EXPECT_EQ(blocked.get(), DiskSpool::AppendResult::kStored);
  EXPECT_EQ(read_all(*spool).size(), stored - 17 + 1);
}

TEST_F(SpoolTest, CloseReleasesABlockedAppendWithoutStoringIt) {
  auto spool = open(options(1 << 20));
  ASSERT_EQ(spool->append(std::string(1 << 20, 'c')), DiskSpool::AppendResult::kStored);
  auto blocked = std::async(std::launch::async, [&] { return spool->append("late"); });
  EXPECT_EQ(blocked.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  spool->close();
  EXPECT_EQ(blocked.get(), DiskSpool::AppendResult::kClosed);
}

TEST_F(SpoolTest, DropNewestRefusesWhatDoesNotFitAndKeepsTheRest) {
  SpoolOptions opts = options(1 << 20);
  opts.when_full = SpoolOptions::WhenFull::kDropNewest;
  auto spool = open(opts);
  const std::string payload(300000, 'd');
  for (int i = 0; i < 3; ++i) ASSERT_EQ(spool->append(payload), DiskSpool::AppendResult::kStored);
  const std::uint64_t full = spool->bytes();
  EXPECT_EQ(spool->append(payload), DiskSpool::AppendResult::kDropped);
  EXPECT_EQ(spool->bytes(), full);
  EXPECT_EQ(read_all(*spool).size(), 3u);
}

TEST_F(SpoolTest, ARestartWithAFullSpoolReadsEverythingAndStillHonoursTheBound) {
  const std::string payload(100000, 'f');
  SpoolOptions opts = options(1 << 20);
  opts.when_full = SpoolOptions::WhenFull::kDropNewest;
  std::size_t stored = 0;
  {
    auto spool = open(opts);
    while (spool->append(payload) == DiskSpool::AppendResult::kStored) ++stored;
    spool->close();
  }
  ASSERT_EQ(stored, 10u);
  auto spool = open(opts);
  EXPECT_EQ(spool->bytes(), stored * (kHeader + payload.size()));
  EXPECT_EQ(spool->append(payload), DiskSpool::AppendResult::kDropped);
  EXPECT_EQ(read_all(*spool).size(), stored);
}

TEST_F(SpoolTest, AFailingDiskIsReportedAndNothingHalfWrittenStays) {
  auto spool = open(options());
  ASSERT_EQ(spool->append("fits"), DiskSpool::AppendResult::kStored);
  // A full disk, simulated by a file size limit: writes past it fail with EFBIG.
  ::signal(SIGXFSZ, SIG_IGN);
  rlimit saved{};
  ::getrlimit(RLIMIT_FSIZE, &saved);
  rlimit limit = saved;
  limit.rlim_cur = 100;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limit), 0);
  const auto result = spool->append(std::string(200, 'g'));
  ::setrlimit(RLIMIT_FSIZE, &saved);
  EXPECT_EQ(result, DiskSpool::AppendResult::kFailed);
  EXPECT_NE(spool->error().find("cannot write"), std::string::npos) << spool->error();
  EXPECT_NE(spool->error().find("File too large"), std::string::npos) << spool->error();
  EXPECT_EQ(spool->bytes(), kHeader + 4);
  ASSERT_EQ(spool->append("after"), DiskSpool::AppendResult::kStored);
  EXPECT_EQ(read_all(*spool), (std::vector<std::string>{"fits", "after"}));
  EXPECT_TRUE(corruption_.reports.empty());
}

}  // namespace
TEST_F(SpoolTest, AReaderKeepingUpTakesTheNewestEntriesFromMemoryAndTheSameBytesAreOnDisk) {
  const std::string payload(1000, 'm');
  SpoolOptions opts = options(1 << 20, 4096);
  opts.recent_bytes = 1 << 20;
  auto spool = open(opts);
  ASSERT_EQ(spool->append(payload + "0"), DiskSpool::AppendResult::kStored);
  ASSERT_EQ(spool->append(payload + "1"), DiskSpool::AppendResult::kStored);
  // Spoil the first record on disk: a reader taking it from the segment would report it.
  {
    std::fstream file(segments().front(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(kHeader + 10));
    file.put('z');
  }
  auto first = spool->next(std::chrono::milliseconds(0));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->payload, payload + "0");
  EXPECT_EQ(first->sequence, 1u);
  spool->recycle(std::move(first->payload));
  // The recycled buffer carries the next entry; everything comes back in order.
  ASSERT_EQ(spool->append(payload + "2"), DiskSpool::AppendResult::kStored);
  EXPECT_EQ(read_all(*spool), (std::vector<std::string>{payload + "1", payload + "2"}));
  EXPECT_TRUE(corruption_.reports.empty());
  // Read back from the segment (after a restart, nothing committed) the spoiled record is
  // found and, as always, the rest of its segment is skipped: memory held what was written.
  const std::string segment = std::filesystem::path(segments().front()).filename().string();
  spool->close();
  spool = open(opts);
  EXPECT_TRUE(read_all(*spool).empty());
  ASSERT_EQ(corruption_.reports.size(), 1u);
  EXPECT_EQ(corruption_.reports[0], segment + ": checksum mismatch at offset 0");
}

TEST_F(SpoolTest, AReaderBehindTheMemoryBoundReadsTheOlderEntriesFromTheSegmentsInOrder) {
  SpoolOptions opts = options(1 << 20, 4096);
  opts.recent_bytes = 3000;  // the newest two 1,001-byte entries
  auto spool = open(opts);
  std::vector<std::string> written;
  for (int i = 0; i < 10; ++i) {
    written.push_back(std::string(1000, static_cast<char>('a' + i)) + std::to_string(i));
    ASSERT_EQ(spool->append(written.back()), DiskSpool::AppendResult::kStored);
  }
  auto first = spool->next(std::chrono::milliseconds(0));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->payload, written[0]);
  std::vector<std::string> rest(written.begin() + 1, written.end());
  EXPECT_EQ(read_all(*spool), rest);
  // Rewound, the reader gets every uncommitted entry again, all from the segments.
  spool->commit(4);
  spool->rewind();
  std::vector<std::string> after(written.begin() + 4, written.end());
  EXPECT_EQ(read_all(*spool), after);
  EXPECT_TRUE(corruption_.reports.empty());
}

}  // namespace specwatch
