#include "sidecar/rules/promql_parser.h"

#include <gtest/gtest.h>

namespace specwatch::rules {
namespace {

std::string error_of(const std::string& query) {
  return parse_promql(query).error;
}

TEST(PromqlParser, AcceptsTheRuleExpressions) {
  for (const char* q :
       {"sum by (service) (rate(x_total[5m])) / sum by (service) (rate(y_total[5m]))",
        "a > on (service) group_left (team) b",
        "histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m])))", "x unless x offset 1h",
        "label_replace(vector(10), \"service\", \"specular\", \"\", \"\")",
        "sum(rate(a[5m])) by (job)", "-a ^ 2", "topk(3, a)", "a == bool 1", "up{job=~\"a|b\",}"}) {
    ParsedExpr p = parse_promql(q);
    EXPECT_TRUE(p.ok()) << q << ": " << p.error;
  }
}

TEST(PromqlParser, RefusesConstructsOutsideTheSubsetNamingThem) {
  EXPECT_EQ(error_of("rate(x[5m:1m])"),
            "1:10: parse error: subqueries are not supported (expr[range:step])");
  EXPECT_EQ(error_of("x @ 100"), "1:3: parse error: the @ modifier is not supported");
  EXPECT_EQ(error_of("holt_winters(x[5m], 0.5, 0.5)"),
            "1:1: parse error: unknown function with name \"holt_winters\"");
  EXPECT_EQ(error_of("count_values(\"v\", x)"),
            "1:1: parse error: aggregation \"count_values\" is not supported");
  EXPECT_EQ(error_of("x offset -5m"), "1:3: parse error: negative offsets are not supported");
}

TEST(PromqlParser, ReportsTypeErrorsWithPosition) {
  EXPECT_EQ(error_of("rate(x)"),
            "1:1: parse error: expected type range vector in call to function \"rate\", got "
            "instant vector");
  EXPECT_EQ(error_of("1 > 2"),
            "1:3: parse error: comparisons between scalars must use BOOL modifier");
  EXPECT_EQ(error_of("x and 1"),
            "1:3: parse error: set operator \"and\" not allowed in binary scalar expression");
  EXPECT_EQ(error_of("sum(x) +\n  (y)[5m]"),
            "2:6: parse error: ranges only allowed for vector selectors");
  EXPECT_EQ(error_of("{a=\"\"}"),
            "1:1: parse error: vector selector must contain at least one non-empty matcher");
}

}  // namespace
}  // namespace specwatch::rules
