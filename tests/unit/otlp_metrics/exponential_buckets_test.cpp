#include "sidecar/otlp_metrics/exponential_buckets.h"

#include <gtest/gtest.h>

#include <cmath>

namespace specwatch {
namespace {

using Buckets = std::vector<std::pair<double, std::uint64_t>>;

TEST(ExponentialBucketsTest, Boundaries) {
  EXPECT_EQ(exponential_boundary(0, 0), 1.0);
  EXPECT_EQ(exponential_boundary(3, 0), 8.0);
  EXPECT_EQ(exponential_boundary(-2, 0), 0.25);
  EXPECT_EQ(exponential_boundary(1, -1), 4.0);    // base 4
  EXPECT_EQ(exponential_boundary(2, -2), 256.0);  // base 16
  EXPECT_EQ(exponential_boundary(2, 1), 2.0);     // base sqrt(2)
  EXPECT_EQ(exponential_boundary(1, 1), std::sqrt(2.0));
  EXPECT_EQ(exponential_boundary(-4, 2), 0.5);
  EXPECT_EQ(exponential_boundary(5000, 0), HUGE_VAL);
  EXPECT_EQ(exponential_boundary(-5000, 0), 0.0);
}

TEST(ExponentialBucketsTest, PositiveZeroAndNegativeInOrder) {
  // scale 0 (base 2): positive 1 → (2,4], 2 → (4,8]; negative 0 → [-2,-1), 1 → [-4,-2).
  EXPECT_EQ(exponential_to_explicit(0, 0.0, 3, {{1, 5}, {2, 7}}, {{0, 2}, {1, 1}}),
            (Buckets{{-2.0, 1}, {-1.0, 2}, {0.0, 3}, {4.0, 5}, {8.0, 7}}));
}

TEST(ExponentialBucketsTest, ZeroThresholdAboveFirstBoundMergesIntoZeroBucket) {
  // positive -3 → (0.125, 0.25] lies under the zero threshold 0.5: merged into le=0.5.
  EXPECT_EQ(exponential_to_explicit(0, 0.5, 1, {{-3, 2}, {0, 4}}, {}),
            (Buckets{{0.5, 3}, {2.0, 4}}));
}

}  // namespace
}  // namespace specwatch
