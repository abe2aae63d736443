// Query strings read as Go's url.ParseQuery reads them (what Prometheus' API handlers see).
#include "sidecar/http/query_string.h"

#include <gtest/gtest.h>

namespace specwatch {
namespace {

TEST(QueryString, DecodesPairsInOrderAndKeepsRepeatedNames) {
  const QueryParameters p = parse_query_string("type=%61lert&file%5B%5D=a+b&file[]=c%2Fd&flag&=x");
  const QueryParameters expected = {
      {"type", "alert"}, {"file[]", "a b"}, {"file[]", "c/d"}, {"flag", ""}, {"", "x"}};
  EXPECT_EQ(p, expected);
  EXPECT_EQ(first_value(p, "type"), "alert");
  EXPECT_EQ(first_value(p, "flag"), "");
  EXPECT_EQ(first_value(p, "missing"), std::nullopt);
  EXPECT_EQ(all_values(p, "file[]"), (std::vector<std::string>{"a b", "c/d"}));
}

TEST(QueryString, SkipsPairsGoCannotDecode) {
  // A truncated or non-hex escape and a ';' drop only their own pair; empty pairs are nothing.
  const QueryParameters p = parse_query_string("a=%zz&b=%4&c=1;d=2&&e=%41&f=%");
  const QueryParameters expected = {{"e", "A"}};
  EXPECT_EQ(p, expected);
  EXPECT_TRUE(parse_query_string("").empty());
}

TEST(QueryString, FirstValueIsTheFirstGiven) {
  EXPECT_EQ(first_value(parse_query_string("type=alert&type=foo"), "type"), "alert");
  EXPECT_EQ(first_value(parse_query_string("type=foo&type=alert"), "type"), "foo");
}

}  // namespace
}  // namespace specwatch
