// JsonRef on simdjson's tape against JsonRef over RapidJSON's parse of the same text: every
// accessor, on every kind of value, must read the same.
#include "sidecar/framing/json_ref.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include "sidecar/framing/json_parser.h"

namespace specwatch {
namespace {

// Everything the accessors say of `v`, as text: the kind predicates, the scalar, the members
// (through for_each_member, member_count and find) and the elements (through for_each_element,
// size and element).
void describe(JsonRef v, std::ostringstream& out) {
  out << (v.is_object() ? 'O' : '-') << (v.is_array() ? 'A' : '-') << (v.is_string() ? 'S' : '-')
      << (v.is_bool() ? 'B' : '-') << (v.is_null() ? 'N' : '-') << (v.is_int64() ? 'I' : '-')
      << (v.is_number() ? 'D' : '-') << ':';
  if (v.is_string()) {
    out << '"' << v.string() << '"';
  } else if (v.is_bool()) {
    out << (v.boolean() ? "true" : "false");
  } else if (v.is_int64()) {
    out << v.int64() << '/' << v.number();
  } else if (v.is_number()) {
    out.precision(17);
    out << v.number();
  } else if (v.is_object()) {
    out << '{' << v.member_count() << ' ';
    v.for_each_member([&](std::string_view name, JsonRef value) {
      out << name << '=';
      describe(value, out);
      // find() gives the first member of that name: this one unless an earlier one had it.
      out << (v.find(name) == value ? "" : "(dup)") << ',';
      return true;
    });
    out << '}';
  } else if (v.is_array()) {
    out << '[' << v.size() << ' ';
    std::uint32_t i = 0;
    v.for_each_element([&](JsonRef element) {
      describe(element, out);
      out << (v.element(i) == element ? "" : "(index!)") << ',';
      ++i;
      return true;
    });
    out << ']';
  }
}

std::string on_tape(const std::string& text) {
  JsonParser parser;
  const ParseResult parsed = parser.parse_view(text);
  EXPECT_TRUE(parsed.ok()) << text;
  EXPECT_TRUE(parsed.json.on_tape()) << text;
  EXPECT_EQ(parsed.value, nullptr);
  std::ostringstream out;
  describe(parsed.json, out);
  return out.str();
}

std::string on_rapidjson(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  std::ostringstream out;
  describe(JsonRef::of(doc), out);
  return out.str();
}

TEST(JsonRefTape, EveryKindOfValueReadsAsOnRapidJson) {
  const std::string texts[] = {
      R"({"s":"text","e":"","esc":"a\"b\\c\nd\u00e9\ud83d\ude00","i":42,"n":-7,"z":0,)"
      R"("min":-9223372036854775808,"max":9223372036854775807,"u":18446744073709551615,)"
      R"("d":1.5,"negzero":-0.0,"big":1e300,"tiny":5e-324,"t":true,"f":false,"nul":null,)"
      R"("o":{},"a":[],"nested":{"x":{"y":[1,{"z":"deep"},[2,3.25],null]}},)"
      R"("dup":1,"dup":"second","after":[true,false,null,"s",-1,2.5,{"k":[]}]})",
      R"([1,"two",{"three":3},[4,[5,[6]]],null,true,1.0e2])",
      R"("a root string")",
      R"(-12)",
      R"(3.14159)",
      R"(null)",
      R"({"unicode key \u00e9":"v","":"empty key","a.b":{"c":1}})",
  };
  for (const std::string& text : texts) {
    EXPECT_EQ(on_tape(text), on_rapidjson(text)) << text;
  }
  // The description is not empty of meaning: spot-check what it says.
  EXPECT_EQ(on_tape(R"({"a":[1,"x"],"b":null})"),
            "O------:{2 a=-A-----:[2 -----ID:1/1,--S----:\"x\",],b=----N--:,}");
}

TEST(JsonRefTape, NumbersKeepTheirKindAndValue) {
  JsonParser parser;
  const ParseResult parsed =
      parser.parse_view(R"([9223372036854775807,9223372036854775808,-1,0.1,1e-7])");
  ASSERT_TRUE(parsed.json.on_tape());
  const JsonRef a = parsed.json;
  ASSERT_EQ(a.size(), 5u);
  EXPECT_TRUE(a.element(0).is_int64());
  EXPECT_EQ(a.element(0).int64(), std::numeric_limits<std::int64_t>::max());
  // Beyond int64: a number, not an int64, read as a double (as RapidJSON's GetDouble does).
  EXPECT_FALSE(a.element(1).is_int64());
  EXPECT_TRUE(a.element(1).is_number());
  EXPECT_EQ(a.element(1).number(), 9223372036854775808.0);
  EXPECT_EQ(a.element(2).int64(), -1);
  EXPECT_EQ(a.element(2).number(), -1.0);
  EXPECT_FALSE(a.element(3).is_int64());
  EXPECT_EQ(a.element(3).number(), 0.1);
  EXPECT_EQ(a.element(4).number(), 1e-7);
}

TEST(JsonRefTape, RecordsSimdjsonRefusesAreRapidJsonValues) {
  JsonParser parser;
  // An integer beyond 64 bits: simdjson refuses it, RapidJSON reads it as a double.
  const ParseResult big = parser.parse_view(R"({"n":123456789012345678901234567890})");
  ASSERT_TRUE(big.ok());
  EXPECT_FALSE(big.json.on_tape());
  EXPECT_NE(big.value, nullptr);
  EXPECT_EQ(big.json.find("n").number(), 1.2345678901234568e29);
  // Ill-formed UTF-8, repaired before RapidJSON reads it.
  const ParseResult repaired = parser.parse_view("{\"s\":\"a\xff\"}");
  ASSERT_TRUE(repaired.ok());
  EXPECT_TRUE(repaired.repaired_utf8);
  EXPECT_FALSE(repaired.json.on_tape());
  EXPECT_EQ(repaired.json.find("s").string(), "a\xef\xbf\xbd");
  EXPECT_EQ(parser.simd_refusals(), 2u);
  // Invalid JSON: no value, the parser's message.
  const ParseResult invalid = parser.parse_view(R"({"a":})");
  EXPECT_FALSE(invalid.ok());
  EXPECT_FALSE(static_cast<bool>(invalid.json));
  EXPECT_EQ(invalid.error_message, "invalid JSON at offset 5: Invalid value.");
}

TEST(JsonRefTape, AViewReadsTheLatestDocumentAfterTheParserGrew) {
  JsonParser parser;
  const ParseResult small = parser.parse_view(R"({"k":"v"})");
  ASSERT_TRUE(small.json.on_tape());
  EXPECT_EQ(small.json.find("k").string(), "v");
  // A record many times larger: simdjson reallocates its tape and strings, and the next view
  // must read the new buffers.
  std::string large = "{";
  for (int i = 0; i < 2000; ++i) {
    large +=
        (i > 0 ? ",\"k" : "\"k") + std::to_string(i) + "\":\"value " + std::to_string(i) + "\"";
  }
  large += "}";
  const ParseResult grown = parser.parse_view(large);
  ASSERT_TRUE(grown.json.on_tape());
  EXPECT_EQ(grown.json.member_count(), 2000u);
  EXPECT_EQ(grown.json.find("k1999").string(), "value 1999");
  EXPECT_EQ(grown.json.find("k0").string(), "value 0");
  EXPECT_FALSE(static_cast<bool>(grown.json.find("k2000")));
}

TEST(JsonRefTape, ParseStillBuildsTheRapidJsonValueAndViewsIt) {
  JsonParser parser;
  const ParseResult parsed = parser.parse(R"({"a":[1,2]})");
  ASSERT_NE(parsed.value, nullptr);
  EXPECT_FALSE(parsed.json.on_tape());
  EXPECT_TRUE(parsed.json == JsonRef::of(*parsed.value));
  EXPECT_EQ(parsed.json.find("a").size(), 2u);
}

}  // namespace
}  // namespace specwatch
