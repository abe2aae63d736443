#include "sidecar/normalize/text_util.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

TEST(ParseIsoTime, ZoneFractionAndSeparators) {
  EXPECT_EQ(parse_iso_time("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso_time("2025-01-15T18:30:45Z"), 1736965845000000000LL);
  EXPECT_EQ(parse_iso_time("2025-01-15T10:30:45.123456789-08:00"), 1736965845123456789LL);
  EXPECT_EQ(parse_iso_time("2025-01-15T10:30:45.1-08:00"), 1736965845100000000LL);
  EXPECT_EQ(parse_iso_time("2025-01-15T20:30:45+0200"), 1736965845000000000LL);
  EXPECT_EQ(parse_iso_time("2025-08-12 02:38:47"), 1754966327000000000LL);  // no zone: UTC
  EXPECT_EQ(parse_iso_time("2025-08-12 02:38:47,250"), 1754966327250000000LL);
  EXPECT_EQ(parse_iso_time("2025-08-12T02:38:47.1234567891"), 1754966327123456789LL);
}

TEST(ParseIsoTime, RejectsOtherText) {
  EXPECT_EQ(parse_iso_time(""), std::nullopt);
  EXPECT_EQ(parse_iso_time("yesterday"), std::nullopt);
  EXPECT_EQ(parse_iso_time("2025-01-15"), std::nullopt);
  EXPECT_EQ(parse_iso_time("2025-13-15T00:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_iso_time("2025-01-15T00:00:00Zjunk"), std::nullopt);
  EXPECT_EQ(parse_iso_time("2025-01-15T00:00:00."), std::nullopt);
}

TEST(StripNamedGroups, NamesNumberedInOrder) {
  std::vector<std::string> names;
  EXPECT_EQ(strip_named_groups(R"(^(?<a>\d+)(x)(?:y)(?<b>[(]z)(?=q))", names),
            R"(^(\d+)(x)(?:y)([(]z)(?=q))");
  const std::vector<std::string> expected = {"a", "", "b"};
  EXPECT_EQ(names, expected);
  EXPECT_THROW(strip_named_groups("(?<open", names), std::invalid_argument);
}

TEST(RequiredLiteral, LongestMandatoryRun) {
  EXPECT_EQ(required_literal(R"(^\[ModelFallback\] ([^/]+)/(\S+) failed: (.*)$)"),
            "[ModelFallback] ");
  EXPECT_EQ(required_literal(R"(^\[Chat API\] Grounding: ([0-9.]+)%)"), "[Chat API] Grounding: ");
  EXPECT_EQ(required_literal("abcd?ef"), "abc");
  EXPECT_EQ(required_literal("(optional text)?xy"), "xy");
  EXPECT_EQ(required_literal("one|two"), "");
  EXPECT_EQ(required_literal(R"(\d{4}-\d\d)"), "-");
}

}  // namespace
}  // namespace specwatch

namespace specwatch {
namespace {

// The memo only skips re-reading a date, hour and minute seen just before: every result must be
// the one of the plain parse, whatever came before.
TEST(TextUtil, IsoTimeWithMemoEqualsPlainParse) {
  const char* texts[] = {"2025-01-15T10:30:01.000001-08:00",
                         "2025-01-15T10:30:01.5Z",
                         "2025-01-15T10:30:01",
                         "2025-01-15T10:30:01x",
                         "2025-01-15T10:30:01+0130",
                         "2025-01-15T10:30:02,25",
                         "2025-01-15 10:30:02",
                         "2025-01-15T10:30:0",
                         "2025-13-15T10:30:02",
                         "2025-13-15T10:30:02",
                         "2025-01-15T10:30:02.",
                         "2025-01-15T10:30:02.123456789123Z",
                         "",
                         "2025-01-15T10:30:02-08",
                         "2025-01-15T10:30",
                         "2025-01-15T10:30:61",
                         "2025-01-15T10:30:60Z",
                         "2025-01-15T10:31:00Z"};
  IsoTimeMemo memo;
  for (const char* t : texts) EXPECT_EQ(parse_iso_time(t, memo), parse_iso_time(t)) << t;
  EXPECT_EQ(parse_iso_time("2025-01-15T10:30:01.5Z", memo), 1736937001500000000LL);
}

// The memo's zone (IsoTimeMemo::zone): the same zone again, another zone of the same length, a
// zone that is not one, and the same zone after another date.
TEST(TextUtil, IsoTimeZoneMemoEqualsPlainParse) {
  const char* texts[] = {"2025-01-15T10:30:01.000001-08:00",
                         "2025-01-15T10:30:02.5-08:00",
                         "2025-01-15T10:30:03-08:00",
                         "2025-01-15T10:30:03+08:00",
                         "2025-01-15T10:30:03-08:30",
                         "2025-01-15T10:30:03-0800",
                         "2025-01-15T10:30:03-08:0",
                         "2025-01-15T10:30:03-08:00x",
                         "2025-01-15T10:30:03.-08:00",
                         "2025-01-15T10:30:03-08:00",
                         "2025-01-15T10:30:03",
                         "2025-01-15T10:30:04",
                         "2025-01-15T10:30:04x",
                         "2025-01-15T10:30:04Z",
                         "2025-01-15T10:30:04z",
                         "2025-01-15T10:30:05Z",
                         "2025-01-16T10:30:05Z",
                         "2025-01-16T10:30:05.25+01:30",
                         "2025-01-16T10:30:06.75+01:30",
                         "2025-01-16T10:30:06.75+01:30:00"};
  IsoTimeMemo memo;
  for (const char* t : texts) EXPECT_EQ(parse_iso_time(t, memo), parse_iso_time(t)) << t;
  EXPECT_EQ(parse_iso_time("2025-01-15T10:30:01.5-08:00", memo), 1736965801500000000LL);
  EXPECT_EQ(parse_iso_time("2025-01-15T10:30:02.5-08:00", memo), 1736965802500000000LL);
  EXPECT_EQ(parse_iso_time("2025-01-15T10:30:02.5+08:00", memo), 1736908202500000000LL);
}

}  // namespace
}  // namespace specwatch
