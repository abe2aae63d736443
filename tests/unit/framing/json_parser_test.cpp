// This file replaces the global operator new/delete (malloc/free based) to count allocations;
// GCC cannot see that they match once inlined.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include "sidecar/framing/json_parser.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

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

INSTANTIATE_TEST_SUITE_P(Modes, JsonParserTest,
                         ::testing::Values(JsonParserOptions{true, false},
                                           JsonParserOptions{false, false},
                                           JsonParserOptions{true, true},
                                           JsonParserOptions{false, true}),
                         [](const auto& info) {
                           return std::string(info.param.insitu ? "Insitu" : "Copy") +
                                  (info.param.iterative ? "Iterative" : "Recursive");
                         });

}  // namespace
}  // namespace specwatch
