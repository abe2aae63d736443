#include "sidecar/rules/sample_window.h"

#include <algorithm>

namespace specwatch::rules {

std::span<const Sample> sample_window(const std::vector<Sample>& samples, Timestamp mint,
                                      Timestamp maxt) {
  auto by_time = [](const Sample& s, Timestamp t) { return s.t < t; };
  auto end = samples.end();
  if (samples.empty() || samples.front().t > maxt) return {};
  if (samples.back().t > maxt) {
    end = std::upper_bound(samples.begin(), samples.end(), maxt,
                           [](Timestamp t, const Sample& s) { return t < s.t; });
  }
  // Find a sample before mint by doubling the distance from `end`, then search between.
  size_t high = static_cast<size_t>(end - samples.begin());
  size_t step = 1;
  size_t low = high;
  while (low > 0) {
    size_t candidate = low > step ? low - step : 0;
    if (samples[candidate].t < mint) {
      low = candidate;
      break;
    }
    high = candidate;
    low = candidate;
    step *= 2;
  }
  auto begin = std::lower_bound(samples.begin() + static_cast<std::ptrdiff_t>(low),
                                samples.begin() + static_cast<std::ptrdiff_t>(high), mint, by_time);
  return std::span<const Sample>(&*samples.begin() + (begin - samples.begin()),
                                 static_cast<size_t>(end - begin));
}

}  // namespace specwatch::rules
