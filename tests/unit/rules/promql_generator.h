// A deterministic generator of series and PromQL expressions for the differential test against
// promtool. It draws from std::mt19937_64's raw output only (no std:: distributions), so the same
// seed gives the same text on every platform.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace specwatch::rules::testing {

struct GeneratedSeries {
  std::string selector;  // metric{label="value",...}
  std::string values;    // space-separated, one per minute: numbers, _ and stale
};

class PromqlGenerator {
 public:
  explicit PromqlGenerator(uint64_t seed) : rng_(seed) {}

  // Counters with resets, gauges with gaps and a stale marker, cumulative histogram buckets
  // and an up-like 0/1 gauge; `steps` samples one minute apart.
  std::vector<GeneratedSeries> series(int steps);
  // `count` distinct expressions over those series.
  std::vector<std::string> expressions(size_t count);

 private:
  uint64_t below(uint64_t n) { return rng_() % n; }
  bool chance(int percent) { return below(100) < static_cast<uint64_t>(percent); }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

  std::string range();
  std::string offset();
  std::string counter_selector();
  std::string gauge_selector();
  std::string range_function();
  std::string vector_expr(int depth);
  std::string aggregation(int depth);
  std::string binary(int depth);
  std::string function(int depth);
  std::string scalar_expr();
  std::string histogram();
  std::string grouping();

  std::mt19937_64 rng_;
};

}  // namespace specwatch::rules::testing
