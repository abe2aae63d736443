#include "sidecar/rules/rule_file.h"

#include <gtest/gtest.h>

#include "sidecar/rules/sample.h"
#include "sidecar/rules/series_notation.h"

namespace specwatch::rules {
namespace {

TEST(RuleFile, ReadsGroupsAndRules) {
  RuleFileResult r = parse_rule_file(R"(groups:
  - name: g
    interval: 30s
    rules:
      - record: job:x:rate5m
        expr: sum by (job) (rate(x_total[5m]))
        labels: {team: a}
      - alert: XHigh
        expr: job:x:rate5m > 1
        for: 5m
        keep_firing_for: 10m
        annotations:
          summary: '{{ $labels.job }} is high'
)",
                                     "f.yml");
  ASSERT_TRUE(r.ok()) << r.errors[0];
  ASSERT_EQ(r.groups.size(), 1u);
  EXPECT_EQ(r.groups[0].interval_ms, 30000);
  ASSERT_EQ(r.groups[0].rules.size(), 2u);
  EXPECT_EQ(r.groups[0].rules[1].for_ms, 300000);
  EXPECT_EQ(r.groups[0].rules[1].keep_firing_for_ms, 600000);
  EXPECT_EQ(r.groups[0].rules[1].annotations[0].name, "summary");
}

TEST(RuleFile, ReportsEveryProblemWithFileLineColumnAndKey) {
  RuleFileResult r = parse_rule_file(R"(groups:
  - name: g
    rules:
      - record: bad-name
        expr: up
        for: 1m
      - alert: A
        expr: rate(up)
        labels: {"1x": y}
      - alert: B
        expr: up
        annotations: {d: '{{ $value | nope }}'}
      - expr: up
  - name: g
)",
                                     "f.yml");
  std::vector<std::string> expected = {
      "f.yml:6:14: groups[0].rules[0].for: invalid field 'for' in recording rule",
      "f.yml:4:17: groups[0].rules[0].record: invalid recording rule name: bad-name",
      "f.yml:8:15: groups[0].rules[1].expr: could not parse expression: 1:1: parse error: expected "
      "type range "
      "vector in call to function \"rate\", got instant vector",
      "f.yml:9:17: groups[0].rules[1].labels: invalid label name: 1x",
      "f.yml:12:26: groups[0].rules[2].annotations.d: template: __alert_B:1: function \"nope\" not "
      "defined",
      "f.yml:13:9: groups[0].rules[3]: one of 'record' or 'alert' must be set",
      "f.yml:14:11: groups[1].name: groupname: \"g\" is repeated in the same file"};
  EXPECT_EQ(r.errors, expected);
  EXPECT_TRUE(r.groups.empty());
}

TEST(SeriesNotation, ExpandsLikePromtool) {
  SeriesValues v = parse_series_values("1 0+0.1x3 _x2 5x1 stale 3-1x2 _");
  ASSERT_EQ(v.error, "");
  ASSERT_EQ(v.values.size(), 14u);
  EXPECT_EQ(*v.values[0], 1);
  EXPECT_EQ(*v.values[4], 0.1 + 0.1 + 0.1);  // accumulated, not multiplied
  EXPECT_FALSE(v.values[5].has_value());
  EXPECT_FALSE(v.values[6].has_value());
  EXPECT_EQ(*v.values[7], 5);
  EXPECT_EQ(*v.values[8], 5);
  EXPECT_TRUE(is_stale_nan(*v.values[9]));
  EXPECT_EQ(*v.values[12], 1);
  EXPECT_FALSE(v.values[13].has_value());
  EXPECT_EQ(parse_series_values("1 2y3").error, "bad series value \"2y3\": expected x");
}

}  // namespace
}  // namespace specwatch::rules
