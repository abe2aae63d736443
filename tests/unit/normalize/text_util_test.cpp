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

// Fractions of every length, with eight bytes left after the point (read eight at a time) and
// fewer (read one by one), ending at a zone, at the end, or at a byte that is no digit.
TEST(ParseIsoTime, FractionsOfEveryLength) {
  const std::string base = "2025-01-15T18:30:45";
  const std::int64_t secs = 1736965845000000000LL;
  const std::string digits = "123456789012";
  const std::int64_t nanos[] = {0,         100000000, 120000000, 123000000, 123400000,
                                123450000, 123456000, 123456700, 123456780, 123456789,
                                123456789, 123456789, 123456789};
  for (std::size_t n = 1; n <= digits.size(); ++n) {
    const std::string fraction = "." + digits.substr(0, n);
    EXPECT_EQ(parse_iso_time(base + fraction + "Z"), secs + nanos[n]) << n;
    EXPECT_EQ(parse_iso_time(base + fraction), secs + nanos[n]) << n;
    EXPECT_EQ(parse_iso_time(base + fraction + "+01:00"), secs - 3600000000000LL + nanos[n]) << n;
    EXPECT_EQ(parse_iso_time(base + fraction + "x"), std::nullopt) << n;
    EXPECT_EQ(parse_iso_time(base + fraction + "\xc3\xa9"), std::nullopt) << n;
  }
  EXPECT_EQ(parse_iso_time(base + ".000001-08:00"), secs + 8 * 3600000000000LL + 1000);
  EXPECT_EQ(parse_iso_time(base + ".09999999Z"), secs + 99999990);
  EXPECT_EQ(parse_iso_time(base + ".Z0000000"), std::nullopt);  // a point with no digit
  EXPECT_EQ(parse_iso_time(base + ".:0000000"), std::nullopt);
  EXPECT_EQ(parse_iso_time(base + "./0000000"), std::nullopt);
  IsoTimeMemo memo;  // the memo's path reads fractions the same way
  EXPECT_EQ(parse_iso_time(base + ".5Z", memo), secs + 500000000);
  EXPECT_EQ(parse_iso_time(base + ".25000000Z", memo), secs + 250000000);
  EXPECT_EQ(parse_iso_time(base + ".987654321Z", memo), secs + 987654321);
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
