#include "sidecar/core/glob.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

TEST(Glob, StarDoesNotCrossSlash) {
  EXPECT_TRUE(glob_match("/l/trace_*.json", "/l/trace_auto-1.json"));
  EXPECT_TRUE(glob_match("/l/trace_*.json", "/l/trace_auto-1_20250115_103045.json"));
  EXPECT_FALSE(glob_match("/l/trace_*.json", "/l/sub/trace_a.json"));
  EXPECT_FALSE(glob_match("/l/trace_*.json", "/l/trace_a.json.gz"));
}

TEST(Glob, QuestionClassesAndEscapes) {
  EXPECT_TRUE(glob_match("/l/a?.log", "/l/ab.log"));
  EXPECT_FALSE(glob_match("/l/a?.log", "/l/a/.log"));
  EXPECT_TRUE(glob_match("/l/[a-c]x", "/l/bx"));
  EXPECT_FALSE(glob_match("/l/[!a-c]x", "/l/bx"));
  EXPECT_TRUE(glob_match("/l/\\*x", "/l/*x"));
  EXPECT_FALSE(glob_match("/l/\\*x", "/l/ax"));
}

TEST(Glob, DoubleStarMatchesAnyDepth) {
  EXPECT_TRUE(glob_match("/r/**/*.json", "/r/a.json"));
  EXPECT_TRUE(glob_match("/r/**/*.json", "/r/x/y/a.json"));
  EXPECT_FALSE(glob_match("/r/**/*.json", "/q/a.json"));
  EXPECT_TRUE(glob_match("/r/**", "/r/x/y"));
}

TEST(Glob, Validation) {
  EXPECT_FALSE(validate_glob("/a/*.json").has_value());
  EXPECT_EQ(validate_glob(""), "empty pattern");
  EXPECT_EQ(validate_glob("/a/[ab.json"), "unterminated character class '[' at position 4");
  EXPECT_EQ(validate_glob("/a/x**.json"),
            "'**' must be a whole path component (as in a/**/b) at position 5");
  EXPECT_EQ(validate_glob("/a/x\\"), "pattern ends with an unfinished escape '\\'");
}

TEST(Glob, FixedPrefixDir) {
  EXPECT_EQ(fixed_prefix_dir("/var/log/app/*.json"), "/var/log/app");
  EXPECT_EQ(fixed_prefix_dir("/a/*/b.json"), "/a");
  EXPECT_EQ(fixed_prefix_dir("/a/b/c.json"), "/a/b");
  EXPECT_EQ(fixed_prefix_dir("/x.json"), "/");
  EXPECT_EQ(fixed_prefix_dir("*.json"), ".");
}

}  // namespace
}  // namespace specwatch
