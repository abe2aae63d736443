#include "sidecar/sources/file/discovery.h"

#include <gtest/gtest.h>

#include "tests/unit/sources/file/test_support.h"

namespace specwatch {
namespace {

using testing::TempDir;

std::vector<std::string> paths(const DiscoveryResult& r) {
  std::vector<std::string> out;
  for (const auto& f : r.files) out.push_back(f.path);
  return out;
}

TEST(Discovery, ExpandsIncludesAndAppliesExcludes) {
  TempDir dir;
  testing::write_file(dir / "trace_a.json", "");
  testing::write_file(dir / "trace_b.json", "");
  testing::write_file(dir / "trace_b.json.tmp", "");
  testing::write_file(dir / "other.log", "");
  auto r = discover_files({dir / "trace_*.json"}, {dir / "trace_b*"});
  EXPECT_EQ(paths(r), (std::vector<std::string>{dir / "trace_a.json"}));
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.directories, (std::set<std::string>{dir.path()}));
}

TEST(Discovery, WalksDirectoriesForDoubleStar) {
  TempDir dir;
  std::filesystem::create_directories(dir / "a/b/c");
  testing::write_file(dir / "top.json", "");
  testing::write_file(dir / "a/b/c/deep.json", "");
  testing::write_file(dir / "a/b/c/deep.txt", "");
  auto r = discover_files({dir / "**/*.json"}, {});
  EXPECT_EQ(paths(r), (std::vector<std::string>{dir / "a/b/c/deep.json", dir / "top.json"}));
  EXPECT_EQ(r.directories,
            (std::set<std::string>{dir.path(), dir / "a", dir / "a/b", dir / "a/b/c"}));
}

TEST(Discovery, MatchedDirectoryIsAProblemNotAFile) {
  TempDir dir;
  std::filesystem::create_directories(dir / "x.json");
  testing::write_file(dir / "y.json", "");
  auto r = discover_files({dir / "*.json"}, {});
  EXPECT_EQ(paths(r), (std::vector<std::string>{dir / "y.json"}));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].path, dir / "x.json");
  EXPECT_EQ(r.problems[0].reason, "not_a_regular_file");
  EXPECT_EQ(r.problems[0].message,
            dir / "x.json" + " matches the source's include patterns but is a directory");
}

TEST(Discovery, MissingPrefixDirectoryFindsNothing) {
  TempDir dir;
  auto r = discover_files({dir / "later/*.json"}, {});
  EXPECT_TRUE(r.files.empty());
  EXPECT_TRUE(r.problems.empty());
  EXPECT_TRUE(r.directories.empty());
}

}  // namespace
}  // namespace specwatch
