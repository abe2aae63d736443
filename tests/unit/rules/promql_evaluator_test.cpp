#include "sidecar/rules/promql_evaluator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "sidecar/rules/in_memory_series_source.h"
#include "sidecar/rules/promql_parser.h"

namespace specwatch::rules {
namespace {

constexpr int64_t kMin = 60000;

Labels L(std::vector<Label> items) {
  return Labels(std::move(items));
}

class EvaluatorTest : public ::testing::Test {
 protected:
  QueryResult query(const std::string& q, Timestamp t) {
    ParsedExpr p = parse_promql(q);
    EXPECT_TRUE(p.ok()) << p.error;
    return evaluate_instant(*p.expr, store_, t);
  }
  double single(const std::string& q, Timestamp t) {
    QueryResult r = query(q, t);
    EXPECT_TRUE(r.ok()) << r.error;
    if (r.is_scalar) return r.scalar;
    EXPECT_EQ(r.vector.size(), 1u) << q;
    return r.vector.empty() ? std::nan("") : r.vector[0].v;
  }
  InMemorySeriesSource store_;
};

TEST_F(EvaluatorTest, RateExtrapolatesAndHandlesCounterResets) {
  Labels c = L({{"__name__", "c_total"}, {"job", "a"}});
  // 0, 10, 20, reset to 5, 15 one minute apart.
  double values[] = {0, 10, 20, 5, 15};
  for (int i = 0; i < 5; ++i) store_.append(c, i * kMin, values[i]);
  // increase over [0, 4m]: 15 - 0 + 20 (reset) = 35, samples cover the whole window.
  EXPECT_DOUBLE_EQ(single("increase(c_total[4m])", 4 * kMin), 35);
  EXPECT_DOUBLE_EQ(single("rate(c_total[4m])", 4 * kMin), 35.0 / 240);
  // Window [30s, 4m30s]: samples 1m..4m, 3 intervals of 60s, both gaps (30s) under 1.1x the
  // average interval: the 180s sampled are extrapolated to the full 240s.
  EXPECT_DOUBLE_EQ(single("increase(c_total[4m])", 4 * kMin + 30000),
                   (15 - 10 + 20) * (240.0 / 180));
  EXPECT_DOUBLE_EQ(single("irate(c_total[4m])", 4 * kMin), 10.0 / 60);
  EXPECT_DOUBLE_EQ(single("delta(c_total[2m])", 4 * kMin), -5);
  QueryResult r = query("rate(c_total[4m])", 4 * kMin);
  EXPECT_EQ(r.vector[0].labels, L({{"job", "a"}}));  // the metric name is dropped
}

TEST_F(EvaluatorTest, InstantSelectorLooksBackFiveMinutesAndStopsAtStaleMarkers) {
  Labels g = L({{"__name__", "g"}});
  store_.append(g, 0, 1);
  store_.append(g, 10 * kMin, 2);
  store_.append(g, 11 * kMin, stale_nan());
  EXPECT_DOUBLE_EQ(single("g", 5 * kMin), 1);            // exactly 5m old: still visible
  EXPECT_TRUE(query("g", 5 * kMin + 1).vector.empty());  // older than the lookback
  EXPECT_DOUBLE_EQ(single("g", 10 * kMin + 30000), 2);
  EXPECT_TRUE(query("g", 11 * kMin).vector.empty());  // ended by the stale marker
  EXPECT_DOUBLE_EQ(single("g offset 1m", 11 * kMin), 2);
  EXPECT_DOUBLE_EQ(single("count_over_time(g[20m])", 12 * kMin), 2);  // stale marker not counted
}

TEST_F(EvaluatorTest, VectorMatchingKeepsLabelsAndRefusesManyToMany) {
  store_.append(L({{"__name__", "a"}, {"svc", "x"}, {"i", "1"}}), 0, 4);
  store_.append(L({{"__name__", "a"}, {"svc", "x"}, {"i", "2"}}), 0, 6);
  store_.append(L({{"__name__", "b"}, {"svc", "x"}, {"team", "t"}}), 0, 2);
  QueryResult r = query("a / on (svc) group_left (team) b", 0);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.vector.size(), 2u);
  std::map<Labels, double> got;
  for (const auto& e : r.vector) got[e.labels] = e.v;
  EXPECT_EQ(got[L({{"svc", "x"}, {"i", "1"}, {"team", "t"}})], 2);
  EXPECT_EQ(got[L({{"svc", "x"}, {"i", "2"}, {"team", "t"}})], 3);
  EXPECT_EQ(query("b / on (svc) a", 0).error,
            "found duplicate series for the match group {svc=\"x\"} on the right hand-side of the "
            "operation: "
            "[{__name__=\"a\", i=\"2\", svc=\"x\"}, {__name__=\"a\", i=\"1\", "
            "svc=\"x\"}];many-to-many matching "
            "not allowed: matching labels must be unique on one side");
  // A comparison filters and keeps the left value and the metric name; bool drops the name.
  QueryResult kept = query("a > 5", 0);
  ASSERT_EQ(kept.vector.size(), 1u);
  EXPECT_EQ(kept.vector[0].labels, L({{"__name__", "a"}, {"svc", "x"}, {"i", "2"}}));
  QueryResult flags = query("a > bool 5", 0);
  ASSERT_EQ(flags.vector.size(), 2u);
  EXPECT_FALSE(flags.vector[0].labels.has("__name__"));
  // A scalar on the left of a comparison still yields the vector's value.
  EXPECT_DOUBLE_EQ(single("5 < a", 0), 6);
}

TEST_F(EvaluatorTest, OperatorPrecedenceAndAssociativityFollowPrometheus) {
  EXPECT_DOUBLE_EQ(single("2 ^ 3 ^ 2", 0), 512);  // right-associative
  EXPECT_DOUBLE_EQ(single("-2 ^ 2", 0), -4);      // unary minus binds weaker than ^
  EXPECT_DOUBLE_EQ(single("10 - 4 - 3", 0), 3);
  EXPECT_DOUBLE_EQ(single("2 + 3 * 4 % 5", 0), 4);
  EXPECT_DOUBLE_EQ(single("1 + 2 > bool 2", 0), 1);
}

TEST_F(EvaluatorTest, HistogramQuantileInterpolatesInsideTheBucket) {
  auto bucket = [&](const char* le, double v) {
    store_.append(L({{"__name__", "h_bucket"}, {"le", le}, {"job", "j"}}), 0, v);
  };
  bucket("1", 10);
  bucket("2", 30);
  bucket("+Inf", 40);
  // rank 0.5 * 40 = 20 falls in (1, 2] holding 20 of which 10 are below: 1 + 1 * 10/20.
  EXPECT_DOUBLE_EQ(single("histogram_quantile(0.5, h_bucket)", 0), 1.5);
  // Above the last finite bucket: its upper bound.
  EXPECT_DOUBLE_EQ(single("histogram_quantile(0.9, h_bucket)", 0), 2);
  EXPECT_TRUE(std::isinf(single("histogram_quantile(1.5, h_bucket)", 0)));
  EXPECT_EQ(query("histogram_quantile(0.5, h_bucket)", 0).vector[0].labels, L({{"job", "j"}}));
}

TEST_F(EvaluatorTest, AggregationsAndFunctions) {
  store_.append(L({{"__name__", "m"}, {"k", "a"}, {"z", "1"}}), 0, 1);
  store_.append(L({{"__name__", "m"}, {"k", "a"}, {"z", "2"}}), 0, 3);
  store_.append(L({{"__name__", "m"}, {"k", "b"}, {"z", "1"}}), 0, 8);
  EXPECT_DOUBLE_EQ(single("sum without (z) (m{k=\"a\"})", 0), 4);
  EXPECT_DOUBLE_EQ(single("avg(m)", 0), 4);
  EXPECT_DOUBLE_EQ(single("stddev(m{k=\"a\"})", 0), 1);
  EXPECT_DOUBLE_EQ(single("quantile(0.5, m)", 0), 3);
  EXPECT_DOUBLE_EQ(single("topk(1, m)", 0), 8);
  EXPECT_EQ(query("topk(1, m)", 0).vector[0].labels,
            L({{"__name__", "m"}, {"k", "b"}, {"z", "1"}}));
  EXPECT_DOUBLE_EQ(single("count(m) by (k) == 1", 0), 1);
  EXPECT_DOUBLE_EQ(single("scalar(m{k=\"b\"}) + time()", 60000), 68);
  EXPECT_DOUBLE_EQ(single("clamp(m{k=\"b\"}, 0, 5)", 0), 5);
  QueryResult replaced = query("label_replace(m{k=\"b\"}, \"dst\", \"v-$1\", \"k\", \"(.)\")", 0);
  EXPECT_EQ(replaced.vector[0].labels,
            L({{"__name__", "m"}, {"k", "b"}, {"z", "1"}, {"dst", "v-b"}}));
  QueryResult missing = query("absent(nothing{job=\"x\", env=~\"p.*\"})", 0);
  ASSERT_EQ(missing.vector.size(), 1u);
  EXPECT_EQ(missing.vector[0].labels, L({{"job", "x"}}));
  EXPECT_EQ(query("abs({__name__=~\"m\"})", 0).error, "");
  store_.append(L({{"__name__", "n"}, {"k", "a"}, {"z", "1"}}), 0, 1);
  EXPECT_EQ(query("abs({__name__=~\"m|n\", k=\"a\", z=\"1\"})", 0).error,
            "vector cannot contain metrics with the same labelset");
}

}  // namespace
}  // namespace specwatch::rules
