#include "sidecar/core/utf8.h"

#include <gtest/gtest.h>

#include <string>

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

// Every length up to 40 (the word, overlapping-word, 4-byte and byte reads of the ASCII check)
// and every position: a stray continuation byte anywhere is found, a well-formed two-byte
// sequence anywhere is accepted, and text of 0x7F and other ASCII bytes only is valid.
TEST(Utf8, AByteAboveAsciiIsSeenAtEveryPositionOfEveryLength) {
  for (std::size_t n = 0; n <= 40; ++n) {
    const std::string ascii(n, '\x7f');
    EXPECT_TRUE(is_valid_utf8(ascii)) << n;
    for (std::size_t at = 0; at < n; ++at) {
      std::string stray = ascii;
      stray[at] = '\x80';
      EXPECT_FALSE(is_valid_utf8(stray)) << n << " at " << at;
      if (at + 1 < n) {
        std::string accented = std::string(n, 'a');
        accented[at] = '\xC3';
        accented[at + 1] = '\xA9';  // é
        EXPECT_TRUE(is_valid_utf8(accented)) << n << " at " << at;
      }
    }
  }
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
