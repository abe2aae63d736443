#include "sidecar/core/utf8.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

TEST(Utf8, ValidatesWellFormedText) {
  EXPECT_TRUE(is_valid_utf8("plain ascii text that is longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("\xE2\x9C\x85 gemini succeeded"));  // ✅
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x93\x8A"));               // 📊
  EXPECT_FALSE(is_valid_utf8("bad \xC0\xAF overlong"));
  EXPECT_FALSE(is_valid_utf8("surrogate \xED\xA0\x80"));
  EXPECT_FALSE(is_valid_utf8("truncated \xE2\x9C"));
  EXPECT_FALSE(is_valid_utf8("above max \xF4\x90\x80\x80"));
}

TEST(Utf8, SanitizeReplacesEachBadByte) {
  std::string text = "ok \xff\xfe end";
  EXPECT_EQ(sanitize_utf8(text), 2u);
  EXPECT_EQ(text, "ok \xEF\xBF\xBD\xEF\xBF\xBD end");
  std::string good = "\xE2\x9D\x8C groq failed";
  EXPECT_EQ(sanitize_utf8(good), 0u);
  EXPECT_EQ(good, "\xE2\x9D\x8C groq failed");
}

}  // namespace
}  // namespace specwatch
