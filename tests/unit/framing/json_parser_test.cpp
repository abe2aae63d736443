// This file replaces the global operator new/delete (malloc/free based) to count allocations;
// GCC cannot see that they match once inlined.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "sidecar/framing/json_parser.h"

#include <gtest/gtest.h>

#include <atomic>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "sidecar/core/record.h"

// Counts heap allocations so that a test can check that steady-state parsing does not allocate.
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace specwatch {
namespace {

class JsonParserTest : public ::testing::TestWithParam<JsonParserOptions> {};

TEST_P(JsonParserTest, ParsesAnObject) {
  JsonParser parser(GetParam());
  const ParseResult result =
      parser.parse(R"({"level":"info","n":42,"s":"x\"y\u00e9","nested":{"a":[true,null]}})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.error_reason, "");
  EXPECT_FALSE(result.repaired_utf8);
  const rapidjson::Value& v = *result.value;
  ASSERT_TRUE(v.IsObject());
  EXPECT_EQ(std::string(v["level"].GetString()), "info");
  EXPECT_EQ(v["n"].GetInt(), 42);
  EXPECT_EQ(std::string(v["s"].GetString(), v["s"].GetStringLength()), "x\"y\xc3\xa9");
  EXPECT_TRUE(v["nested"]["a"][0].GetBool());
  EXPECT_TRUE(v["nested"]["a"][1].IsNull());
}

TEST_P(JsonParserTest, MissingColonHasRapidJsonMessageAndOffset) {
  JsonParser parser(GetParam());
  const ParseResult result = parser.parse(R"({"level":"info","x" 1})");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.value, nullptr);
  EXPECT_EQ(result.error_reason, "invalid_json");
  EXPECT_EQ(result.error_message,
            "invalid JSON at offset 20: Missing a colon after a name of object member.");
}

TEST_P(JsonParserTest, TrailingBytesAreAnError) {
  JsonParser parser(GetParam());
  const ParseResult result = parser.parse(R"({"a":1} x)");
  EXPECT_EQ(result.error_reason, "invalid_json");
  EXPECT_EQ(result.error_message,
            "invalid JSON at offset 8: The document root must not be followed by other values.");
}

TEST_P(JsonParserTest, EmptyRecordIsAnError) {
  JsonParser parser(GetParam());
  const ParseResult result = parser.parse("");
  EXPECT_EQ(result.error_reason, "invalid_json");
  EXPECT_EQ(result.error_message, "invalid JSON at offset 0: The document is empty.");
}

TEST_P(JsonParserTest, EmbeddedNulIsAnErrorNotATruncation) {
  JsonParser parser(GetParam());
  const ParseResult result = parser.parse(std::string_view("{\"a\":1}\0{", 9));
  EXPECT_EQ(result.error_reason, "invalid_json");
  EXPECT_EQ(result.error_message,
            "invalid JSON at offset 7: The document root must not be followed by other values.");
}

TEST_P(JsonParserTest, InvalidUtf8IsRepairedAndFlagged) {
  JsonParser parser(GetParam());
  const ParseResult result = parser.parse("{\"msg\":\"caf\xc3 ok \xff\",\"n\":1}");
  ASSERT_TRUE(result.ok()) << result.error_message;
  EXPECT_TRUE(result.repaired_utf8);
  EXPECT_EQ(result.utf8_replacements, 2u);
  const rapidjson::Value& msg = (*result.value)["msg"];
  EXPECT_EQ(std::string(msg.GetString(), msg.GetStringLength()), "caf\xef\xbf\xbd ok \xef\xbf\xbd");
  EXPECT_EQ((*result.value)["n"].GetInt(), 1);
}

TEST_P(JsonParserTest, InvalidUtf8InAKeyIsRepaired) {
  JsonParser parser(GetParam());
  const ParseResult result = parser.parse("{\"k\xe2\x82\":true}");
  ASSERT_TRUE(result.ok()) << result.error_message;
  EXPECT_EQ(result.utf8_replacements, 2u);
  EXPECT_TRUE((*result.value)["k\xef\xbf\xbd\xef\xbf\xbd"].GetBool());
}

TEST_P(JsonParserTest, InvalidUtf8InABrokenRecordIsStillInvalidJson) {
  JsonParser parser(GetParam());
  const ParseResult result = parser.parse("{\"a\":\"\xff\"");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error_reason, "invalid_json");
  EXPECT_EQ(result.error_message,
            "invalid JSON at offset 8: Missing a comma or '}' after an object member.");
  EXPECT_TRUE(result.repaired_utf8);
}

TEST_P(JsonParserTest, ValidateChecksLikeParseWithoutBuildingAValue) {
  JsonParser parser(GetParam());
  const ParseResult good = parser.validate(R"({"level":"info","n":[1,2,{"x":null}]})");
  EXPECT_TRUE(good.ok());
  EXPECT_EQ(good.error_reason, "");
  // simdjson accepted it: nothing was built. RapidJSON alone builds the value as parse() does.
  EXPECT_EQ(good.validated, GetParam().simd);
  EXPECT_EQ(good.value == nullptr, GetParam().simd);
  const ParseResult bad = parser.validate(R"({"level":"info","x" 1})");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error_reason, "invalid_json");
  EXPECT_EQ(bad.error_message,
            "invalid JSON at offset 20: Missing a colon after a name of object member.");
  const ParseResult repaired = parser.validate("{\"msg\":\"caf\xc3 ok\"}");
  EXPECT_TRUE(repaired.ok());
  EXPECT_TRUE(repaired.repaired_utf8);
  EXPECT_EQ(repaired.utf8_replacements, 1u);
  // parse() after validate() still builds the value.
  const ParseResult after = parser.parse(R"({"n":3})");
  ASSERT_TRUE(after.ok());
  ASSERT_NE(after.value, nullptr);
  EXPECT_EQ((*after.value)["n"].GetInt(), 3);
}

TEST_P(JsonParserTest, ReuseAcrossRecordsOfDifferentSizes) {
  JsonParser parser(GetParam());
  std::string big = "[";
  for (int i = 0; i < 20000; ++i) big += (i ? ",{\"i\":" : "{\"i\":") + std::to_string(i) + "}";
  big += "]";
  ASSERT_TRUE(parser.parse(R"({"a":"first"})").ok());
  EXPECT_EQ(parser.pool_capacity(), 64u * 1024);
  const ParseResult large = parser.parse(big);
  ASSERT_TRUE(large.ok());
  EXPECT_EQ(large.value->Size(), 20000u);
  EXPECT_EQ((*large.value)[19999]["i"].GetInt(), 19999);
  // The pool is resized before the next record, to fit the largest one seen.
  ASSERT_TRUE(parser.parse(big).ok());
  const std::size_t grown = parser.pool_capacity();
  EXPECT_GT(grown, 64u * 1024);
  for (int i = 0; i < 3; ++i) {
    const ParseResult again = parser.parse(big);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ((*again.value)[123]["i"].GetInt(), 123);
  }
  EXPECT_EQ(parser.pool_capacity(), grown);
  const ParseResult small = parser.parse(R"({"a":"second"})");
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(std::string((*small.value)["a"].GetString()), "second");
}

TEST_P(JsonParserTest, DeepNestingDoesNotExhaustTheStack) {
  JsonParser parser(GetParam());
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  const ParseResult ok = parser.parse(deep);
  ASSERT_TRUE(ok.ok()) << ok.error_message;
  EXPECT_TRUE(ok.value->IsArray());
  const ParseResult bad = parser.parse(std::string(200000, '['));
  EXPECT_EQ(bad.error_reason, "invalid_json");
  EXPECT_EQ(bad.error_message, "invalid JSON at offset 200000: Invalid value.");
}

TEST_P(JsonParserTest, SteadyStateParsingDoesNotAllocate) {
  JsonParser parser(GetParam());
  const std::string record =
      R"({"time":"2026-05-01T10:00:00.123Z","level":"info","msg":"request done",)"
      R"("http":{"method":"GET","path":"/api/v1/runs","status":200,"ms":12.5},)"
      R"("tags":["a","b"],"ok":true})";
  ASSERT_TRUE(parser.parse(record).ok());
  ASSERT_TRUE(parser.parse(record).ok());
  const long before = g_allocations.load();
  int ok = 0;
  for (int i = 0; i < 100; ++i) ok += parser.parse(record).ok() ? 1 : 0;
  const long after = g_allocations.load();
  EXPECT_EQ(ok, 100);
  EXPECT_EQ(after - before, 0);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, JsonParserTest,
    ::testing::Values(JsonParserOptions{.simd = true, .insitu = true, .iterative = false},
                      JsonParserOptions{.simd = true, .insitu = false, .iterative = true},
                      JsonParserOptions{.simd = false, .insitu = true, .iterative = false},
                      JsonParserOptions{.simd = false, .insitu = false, .iterative = false},
                      JsonParserOptions{.simd = false, .insitu = true, .iterative = true},
                      JsonParserOptions{.simd = false, .insitu = false, .iterative = true}),
    [](const auto& info) {
      return std::string(info.param.simd ? "Simd" : "RapidJson") +
             (info.param.insitu ? "Insitu" : "Copy") +
             (info.param.iterative ? "Iterative" : "Recursive");
    });

// The same value, down to the number flags RapidJSON's reader sets (a profile reads a count with
// IsInt64, a duration with IsNumber) and the bits of every double.
::testing::AssertionResult same_dom(const rapidjson::Value& a, const rapidjson::Value& b,
                                    const std::string& where = "$") {
  if (a.GetType() != b.GetType()) {
    return ::testing::AssertionFailure()
           << where << ": type " << a.GetType() << " vs " << b.GetType();
  }
  if (a.IsNumber()) {
    const bool flags_equal = a.IsInt() == b.IsInt() && a.IsUint() == b.IsUint() &&
                             a.IsInt64() == b.IsInt64() && a.IsUint64() == b.IsUint64() &&
                             a.IsDouble() == b.IsDouble();
    if (!flags_equal) return ::testing::AssertionFailure() << where << ": number flags differ";
    const bool equal = a.IsDouble() ? std::bit_cast<std::uint64_t>(a.GetDouble()) ==
                                          std::bit_cast<std::uint64_t>(b.GetDouble())
                       : a.IsUint64() ? a.GetUint64() == b.GetUint64()
                                      : a.GetInt64() == b.GetInt64();
    if (!equal) return ::testing::AssertionFailure() << where << ": numbers differ";
    return ::testing::AssertionSuccess();
  }
  if (a.IsString()) {
    if (std::string_view(a.GetString(), a.GetStringLength()) !=
        std::string_view(b.GetString(), b.GetStringLength())) {
      return ::testing::AssertionFailure() << where << ": strings differ";
    }
    return ::testing::AssertionSuccess();
  }
  if (a.IsArray()) {
    if (a.Size() != b.Size()) return ::testing::AssertionFailure() << where << ": sizes differ";
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      auto r = same_dom(a[i], b[i], where + "[" + std::to_string(i) + "]");
      if (!r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (a.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) {
      return ::testing::AssertionFailure() << where << ": member counts differ";
    }
    for (rapidjson::SizeType i = 0; i < a.MemberCount(); ++i) {
      const auto& ma = a.MemberBegin()[i];
      const auto& mb = b.MemberBegin()[i];
      const std::string name(ma.name.GetString(), ma.name.GetStringLength());
      if (name != std::string_view(mb.name.GetString(), mb.name.GetStringLength())) {
        return ::testing::AssertionFailure()
               << where << ": member " << i << " is named " << name << " in one DOM only";
      }
      auto r = same_dom(ma.value, mb.value, where + "." + name);
      if (!r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (a.IsBool() && a.GetBool() != b.GetBool()) {
    return ::testing::AssertionFailure() << where << ": booleans differ";
  }
  return ::testing::AssertionSuccess();
}

TEST(JsonParserSimd, BuildsTheDomRapidJsonBuilds) {
  std::vector<std::string> records = {
      R"({"level":"info","n":42,"s":"x\"y\u00e9\ud83d\ude00\n\t\/","nested":{"a":[true,null]}})",
      R"({"ints":[0,-1,1,2147483647,2147483648,-2147483648,-2147483649,4294967295,4294967296,)"
      R"(9223372036854775807,-9223372036854775808,9223372036854775808,18446744073709551615]})",
      R"({"doubles":[1.5,-0.25,1e3,1E-3,0.1,12.345678901234567,5e-324,1.7976931348623157e308,)"
      R"(2.2250738585072014e-308,0.30000000000000004,1e-400,123456789012345678.9,-0.0,0.0]})",
      R"({"a":1,"a":2,"":"empty name","e":{},"f":[],"g":[[],[{}],[[1]]]})",
      R"(  {"spaced" : [ 1 , 2 ] , "t" : true , "f" : false , "n" : null }  )",
      R"("a root string")",
      R"(-17)",
      R"(2.5)",
      R"(true)",
      R"(null)",
      R"([])",
      "{\"utf8\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}",
  };
  // Objects and arrays nested 200 deep, and an object of 300 members with an array of 300 values
  // after it: every scope of simdjson's tape walked to its end.
  std::string deep;
  for (int d = 0; d < 100; ++d) deep += "{\"k\":[";
  deep += "\"bottom\"";
  for (int d = 0; d < 100; ++d) deep += "]}";
  records.push_back(deep);
  std::string wide = "{";
  for (int m = 0; m < 300; ++m)
    wide += "\"m" + std::to_string(m) + "\":" + std::to_string(m * 7) + ",";
  wide += "\"list\":[";
  for (int m = 0; m < 300; ++m) wide += (m ? ",\"" : "\"") + std::to_string(m) + "\"";
  wide += "],\"after\":{\"x\":-1.5}}";
  records.push_back(wide);
  JsonParser simd({.simd = true});
  JsonParser rapid({.simd = false});
  for (const std::string& record : records) {
    const ParseResult a = simd.parse(record);
    const ParseResult b = rapid.parse(record);
    ASSERT_TRUE(a.ok()) << record << ": " << a.error_message;
    ASSERT_TRUE(b.ok()) << record << ": " << b.error_message;
    EXPECT_TRUE(same_dom(*a.value, *b.value)) << record;
  }
  EXPECT_EQ(simd.simd_refusals(), 0u);  // every one was simdjson's
}

// Malformed, truncated and hostile records: with simdjson in front the answer (accepted or not,
// the error text, the repair) is RapidJSON's own, from parse() and from validate().
TEST(JsonParserSimd, MalformedTruncatedAndHostileRecordsGetTheSameAnswerAsRapidJson) {
  const std::string record =
      R"({"time":"2025-01-15T10:00:00.006097Z","level":"INFO","n":[1,2.5,-3e2],"o":{"k":"v\"\u00e9"},"t":true,"z":null})";
  std::vector<std::string> inputs;
  for (std::size_t n = 0; n < record.size(); ++n) inputs.push_back(record.substr(0, n));
  const std::vector<std::string> hostile = {
      std::string("\x00\x01\x02\xff\xfe{", 6),  // binary
      "{\"a\":1,}",
      "[1,2,]",
      "{\"a\" 1}",
      "{'a':1}",
      "{\"a\":NaN}",
      "{\"a\":Infinity}",
      "{\"a\":-}",
      "{\"a\":01}",
      "{\"a\":1.}",
      "{\"a\":.5}",
      "{\"a\":1e}",
      "{\"a\":1e999}",
      "{\"a\":123456789012345678901234567890}",
      "{\"a\":\"\\x\"}",
      "{\"a\":\"\\u12\"}",
      "{\"a\":\"\\ud800\"}",
      "{\"a\":\"\\udc00\"}",
      "{\"a\":\"\\ud800\\u0041\"}",
      std::string("{\"a\":\"x\ty\"}"),
      std::string("{\"a\":\"x\0y\"}", 11),
      "{\"a\":tru}",
      "{\"a\":nul}",
      "{\"a\":true false}",
      "{} {}",
      "   ",
      "\xef\xbb\xbf{\"bom\":1}",
      std::string(5000, '[') + std::string(5000, ']'),  // deeper than simdjson's 1024 levels
      std::string(5000, '['),
      std::string(20000, '{'),
      "{\"s\":\"" + std::string(60000, 'x') + "\"}",
      "{\"s\":\"" + std::string(60000, 'x'),
      "[" + std::string(30000, '1') + "]",
  };
  // Raw control characters 0x1A-0x1F inside long strings, where RapidJSON's SSE2 scan (with its
  // 0x19 bound) let them through: invalid JSON for both parsers.
  for (char c = 0x1A; c <= 0x1F; ++c) {
    for (std::size_t at : {0u, 15u, 16u, 17u, 31u, 32u, 40u}) {
      std::string text(48, 'x');
      text[at] = c;
      inputs.push_back("{\"s\":\"" + text + "\"}");
    }
  }
  inputs.insert(inputs.end(), hostile.begin(), hostile.end());
  JsonParser simd({.simd = true});
  JsonParser rapid({.simd = false});
  std::size_t accepted = 0;
  for (const std::string& input : inputs) {
    const std::string shown = input.substr(0, 60);
    const ParseResult a = simd.parse(input);
    const std::string a_message = a.error_message;
    const bool a_ok = a.ok();
    const ParseResult b = rapid.parse(input);
    EXPECT_EQ(a_ok, b.ok()) << shown;
    EXPECT_EQ(a_message, b.error_message) << shown;
    EXPECT_EQ(a.repaired_utf8, b.repaired_utf8) << shown;
    const ParseResult c = simd.validate(input);
    EXPECT_EQ(c.ok(), b.ok()) << shown;
    EXPECT_EQ(c.error_message, b.error_message) << shown;
    if (b.ok()) ++accepted;
  }
  // Accepted: the whole record, the valid nesting 5,000 deep, the 30-digit integer (a double) and
  // the lone low surrogate RapidJSON lets through; the 30,000-digit number is too big for a double.
  EXPECT_EQ(accepted, 4u);
}

TEST(JsonParserSimd, WhatSimdjsonRejectsRapidJsonStillReads) {
  JsonParser parser({.simd = true});
  // An integer beyond 64 bits: simdjson refuses it, RapidJSON reads it as a double.
  const ParseResult big = parser.parse(R"({"n":123456789012345678901234567890})");
  ASSERT_TRUE(big.ok()) << big.error_message;
  ASSERT_TRUE((*big.value)["n"].IsDouble());
  EXPECT_EQ((*big.value)["n"].GetDouble(), 1.2345678901234568e29);
  EXPECT_EQ(parser.simd_refusals(), 1u);
  // The next record goes through simdjson again, and the previous one's fallback left no trace.
  const ParseResult next = parser.parse(R"({"n":7})");
  ASSERT_TRUE(next.ok());
  EXPECT_EQ((*next.value)["n"].GetInt(), 7);
  EXPECT_EQ(parser.simd_refusals(), 1u);
}

TEST(JsonParserSimd, RecordsLongerThanTheBoundAreReadByRapidJson) {
  JsonParser parser({.simd = true});
  std::string record = R"({"msg":")" + std::string(kSimdMaxRecordBytes, 'x') + R"(","n":1})";
  const ParseResult long_record = parser.parse(record);
  ASSERT_TRUE(long_record.ok()) << long_record.error_message;
  EXPECT_EQ((*long_record.value)["msg"].GetStringLength(), kSimdMaxRecordBytes);
  EXPECT_EQ((*long_record.value)["n"].GetInt(), 1);
  EXPECT_EQ(parser.simd_refusals(), 0u);  // never offered to simdjson
}

TEST(JsonParserSimd, APaddedRecordIsReadWhereItLiesAndNotPastItsEnd) {
  // The records of a file read lie one after the other: what follows a record is the next one
  // (or padding), and must neither be read into it nor make it fail.
  const std::string block = std::string(R"({"n":1,"s":"a"})") + R"({"n":2}garbage{)" +
                            std::string(kRecordPadding, '\xff');
  JsonParser parser({.simd = true});
  const std::string_view first(block.data(), 15);
  const ParseResult one = parser.parse(first, /*padded=*/true);
  ASSERT_TRUE(one.ok()) << one.error_message;
  EXPECT_EQ((*one.value)["n"].GetInt(), 1);
  EXPECT_EQ(std::string((*one.value)["s"].GetString()), "a");
  EXPECT_EQ(parser.simd_refusals(), 0u);
  const std::string_view second(block.data() + 15, 7);
  const ParseResult two = parser.parse(second, /*padded=*/true);
  ASSERT_TRUE(two.ok()) << two.error_message;
  EXPECT_EQ((*two.value)["n"].GetInt(), 2);
  EXPECT_TRUE(parser.validate(second, /*padded=*/true).validated);
  // Cut short, it is an error with RapidJSON's message, as an unpadded record would be.
  const ParseResult cut = parser.parse(std::string_view(block.data() + 15, 6), /*padded=*/true);
  EXPECT_FALSE(cut.ok());
  EXPECT_EQ(cut.error_message,
            "invalid JSON at offset 6: Missing a comma or '}' after an object member.");
  EXPECT_EQ(parser.simd_refusals(), 1u);
}

// JSON written by RapidJSON's Writer (to_compact_json and every document the sidecar writes):
// control characters are escaped wherever they stand in a string. Debian 12's RapidJSON, built
// with RAPIDJSON_SSE2, copied 0x1A-0x1F (ESC of ANSI colours among them) raw into the output
// when they fell in a 16-byte block of a long string: invalid JSON.
TEST(JsonText, ControlCharactersAreEscapedAnywhereInALongString) {
  for (char c = 0x01; c < 0x20; ++c) {
    for (std::size_t at : {0u, 15u, 16u, 17u, 31u, 32u, 40u, 47u}) {
      std::string text(48, 'x');
      text[at] = c;
      rapidjson::Document document;
      document.SetObject();
      document.AddMember(
          "k",
          rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()),
                           document.GetAllocator()),
          document.GetAllocator());
      std::string escaped;
      switch (c) {
        case '\b':
          escaped = "\\b";
          break;
        case '\t':
          escaped = "\\t";
          break;
        case '\n':
          escaped = "\\n";
          break;
        case '\f':
          escaped = "\\f";
          break;
        case '\r':
          escaped = "\\r";
          break;
        default: {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04X", static_cast<unsigned>(c));
          escaped = buffer;
        }
      }
      EXPECT_EQ(to_compact_json(document),
                "{\"k\":\"" + std::string(at, 'x') + escaped + std::string(47 - at, 'x') + "\"}")
          << static_cast<int>(c) << " at " << at;
    }
  }
}

}  // namespace
}  // namespace specwatch
