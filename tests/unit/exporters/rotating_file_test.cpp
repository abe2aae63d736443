// Size rotation: exact files kept and exact contents; a document is never split; fsync is
// exercised; a failed open is reported.
#include "exporters/common/rotating_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "tests/unit/exporters/test_dir.h"

namespace specwatch {
namespace {

using testing::slurp;

// Documents "d<i>" padded to 10 bytes with the line break: "d00000000\n".
struct Docs {
  std::string data;
  std::vector<std::size_t> ends;
};
Docs docs(int from, int count) {
  Docs out;
  for (int i = from; i < from + count; ++i) {
    std::string n = std::to_string(i);
    out.data += "d" + std::string(8 - n.size(), '0') + n + "\n";
    out.ends.push_back(out.data.size());
  }
  return out;
}
std::string lines(int from, int count) {
  return docs(from, count).data;
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(RotatingFile, RotatesBeforeADocumentWouldExceedTheSizeAndKeepsMaxFiles) {
  testing::ScratchDir dir;
  RotatingFile file({dir.file("out.ndjson"), 30, 2, false});
  ASSERT_EQ(file.open(), "");
  // 10 documents of 10 bytes in batches of 4, 4, 2: files of 3 documents each.
  int next = 0;
  for (int count : {4, 4, 2}) {
    Docs batch = docs(next, count);
    ASSERT_EQ(file.write(batch.data, batch.ends), "");
    next += count;
  }
  file.close();
  EXPECT_EQ(file.rotations(), 3u);
  // out.ndjson.3 would hold documents 0-2: only two rotated files are kept.
  EXPECT_EQ(names_in(dir.path()),
            (std::vector<std::string>{"out.ndjson", "out.ndjson.1", "out.ndjson.2"}));
  EXPECT_EQ(slurp(dir.file("out.ndjson.2")), lines(3, 3));
  EXPECT_EQ(slurp(dir.file("out.ndjson.1")), lines(6, 3));
  EXPECT_EQ(slurp(dir.file("out.ndjson")), lines(9, 1));
}

TEST(RotatingFile, ADocumentBiggerThanTheLimitGetsAFileOfItsOwn) {
  testing::ScratchDir dir;
  RotatingFile file({dir.file("out"), 15, 5, true});
  std::string data = "small\n" + std::string(40, 'x') + "\n" + "tail\n";
  std::vector<std::size_t> ends = {6, 47, 52};
  ASSERT_EQ(file.write(data, ends), "");  // opens on first write
  file.close();
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"out", "out.1", "out.2"}));
  EXPECT_EQ(slurp(dir.file("out.2")), "small\n");
  EXPECT_EQ(slurp(dir.file("out.1")), std::string(40, 'x') + "\n");
  EXPECT_EQ(slurp(dir.file("out")), "tail\n");
}

TEST(RotatingFile, AppendsToAnExistingFileAndCountsItsSize) {
  testing::ScratchDir dir;
  {
    RotatingFile file({dir.file("out"), 25, 1, false});
    Docs batch = docs(0, 2);
    ASSERT_EQ(file.write(batch.data, batch.ends), "");
    EXPECT_EQ(file.size(), 20u);
  }
  RotatingFile reopened({dir.file("out"), 25, 1, false});
  ASSERT_EQ(reopened.open(), "");
  EXPECT_EQ(reopened.size(), 20u);
  Docs batch = docs(2, 1);
  ASSERT_EQ(reopened.write(batch.data, batch.ends), "");  // 30 > 25: rotates first
  reopened.close();
  EXPECT_EQ(slurp(dir.file("out.1")), lines(0, 2));
  EXPECT_EQ(slurp(dir.file("out")), lines(2, 1));
}

// kill -9 in the middle of a write leaves "d00000002" without its line break (and, with a
// larger last document, more than one read block of it): the next start cuts it off, so the
// document written again after the restart begins its own line.
TEST(RotatingFile, ATornLastDocumentIsCutOffWhenOpened) {
  testing::ScratchDir dir;
  {
    std::ofstream out(dir.file("out"), std::ios::binary);
    out << lines(0, 2) << "d0000000";  // the third document, torn
  }
  RotatingFile file({dir.file("out"), 0, 1, false});
  ASSERT_EQ(file.open(), "");
  EXPECT_EQ(file.size(), 20u);
  EXPECT_EQ(file.torn_bytes_removed(), 8u);
  Docs batch = docs(2, 2);
  ASSERT_EQ(file.write(batch.data, batch.ends), "");
  file.close();
  EXPECT_EQ(slurp(dir.file("out")), lines(0, 4));

  {
    std::ofstream out(dir.file("long"), std::ios::binary);
    out << lines(0, 1) << std::string(200000, 'x');  // a torn document longer than a block
  }
  RotatingFile longer({dir.file("long"), 0, 1, false});
  ASSERT_EQ(longer.open(), "");
  EXPECT_EQ(longer.size(), 10u);
  EXPECT_EQ(longer.torn_bytes_removed(), 200000u);
  longer.close();
  EXPECT_EQ(slurp(dir.file("long")), lines(0, 1));

  {
    std::ofstream out(dir.file("only"), std::ios::binary);
    out << "d00";  // nothing complete at all
  }
  RotatingFile only({dir.file("only"), 0, 1, false});
  ASSERT_EQ(only.open(), "");
  EXPECT_EQ(only.size(), 0u);
  EXPECT_EQ(only.torn_bytes_removed(), 3u);
  only.close();
  EXPECT_EQ(slurp(dir.file("only")), "");
}

TEST(RotatingFile, NoRotationWhenMaxBytesIsZero) {
  testing::ScratchDir dir;
  RotatingFile file({dir.file("out"), 0, 1, false});
  Docs batch = docs(0, 50);
  ASSERT_EQ(file.write(batch.data, batch.ends), "");
  file.close();
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"out"});
  EXPECT_EQ(slurp(dir.file("out")), lines(0, 50));
}

TEST(RotatingFile, OpenFailureNamesThePathAndTheReason) {
  testing::ScratchDir dir;
  RotatingFile file({dir.file("missing/out"), 0, 1, false});
  EXPECT_EQ(file.open(), "cannot open " + dir.file("missing/out") + ": No such file or directory");
  EXPECT_FALSE(file.is_open());
  Docs batch = docs(0, 1);
  EXPECT_EQ(file.write(batch.data, batch.ends),
            "cannot open " + dir.file("missing/out") + ": No such file or directory");
}

TEST(RotatingFile, CloseIsSafeTwiceAndWithoutOpen) {
  RotatingFile never({"/nonexistent/x", 0, 1, true});
  never.close();
  never.close();
  testing::ScratchDir dir;
  RotatingFile file({dir.file("out"), 0, 1, true});
  ASSERT_EQ(file.open(), "");
  file.close();
  file.close();
  EXPECT_FALSE(file.is_open());
}

}  // namespace
}  // namespace specwatch
