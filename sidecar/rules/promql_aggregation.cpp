// Aggregation operators (sum, avg, min, max, count, group, stddev, stdvar, topk, bottomk,
// quantile) with Prometheus 2.42's arithmetic: running mean for avg, Welford for stddev, and
// topk/bottomk kept in a binary heap exactly like Go's container/heap, so ties resolve alike.
#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "sidecar/rules/promql_evaluator.h"
#include "sidecar/rules/promql_operators.h"
#include "sidecar/rules/promql_quantile.h"

namespace specwatch::rules {
namespace {

struct Group {
  Labels labels;
  double value = 0.0;
  double mean = 0.0;
  double count = 0.0;
  std::vector<double> values;       // quantile
  std::vector<VectorElement> heap;  // topk / bottomk
};

// Go's container/heap up/down over a "less" predicate.
template <typename Less>
void heap_up(std::vector<VectorElement>& h, size_t j, Less less) {
  while (j > 0) {
    size_t i = (j - 1) / 2;
    if (i == j || !less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    j = i;
  }
}

template <typename Less>
void heap_down(std::vector<VectorElement>& h, size_t i0, Less less) {
  size_t i = i0;
  size_t n = h.size();
  while (true) {
    size_t j1 = 2 * i + 1;
    if (j1 >= n) break;
    size_t j = j1;
    if (size_t j2 = j1 + 1; j2 < n && less(h[j2], h[j1])) j = j2;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    i = j;
  }
}

bool topk_less(const VectorElement& a, const VectorElement& b) {
  if (std::isnan(a.v)) return true;
  return a.v < b.v;
}
bool bottomk_less(const VectorElement& a, const VectorElement& b) {
  if (std::isnan(a.v)) return true;
  return a.v > b.v;
}

Labels group_labels(const Labels& labels, const Aggregation& agg) {
  return agg.without ? labels.drop(agg.grouping) : labels.keep_only(agg.grouping);
}

}  // namespace

Vector aggregate(const Aggregation& agg, const Vector& input, double param, Timestamp now) {
  bool ranking = agg.op == AggregateOp::kTopk || agg.op == AggregateOp::kBottomk;
  int64_t k = 0;
  if (ranking) {
    if (param >= static_cast<double>(std::numeric_limits<int64_t>::max()) ||
        param <= static_cast<double>(std::numeric_limits<int64_t>::min()) || std::isnan(param)) {
      throw EvalError("scalar value " + std::to_string(param) + " overflows int64");
    }
    k = static_cast<int64_t>(param);
    if (k < 1) return {};
  }
  std::unordered_map<std::string, size_t> index;
  std::vector<Group> groups;
  for (const auto& element : input) {
    Labels key_labels = group_labels(element.labels, agg);
    std::string key = matching_signature(key_labels, false, {});
    if (const auto name = key_labels.get(kMetricNameLabel); !name.empty()) {
      key += std::string("\xfd") + std::string(name);
    }
    auto [it, inserted] = index.try_emplace(key, groups.size());
    double v = element.v;
    if (inserted) {
      Group g;
      g.labels = std::move(key_labels);
      g.value = v;
      g.mean = v;
      g.count = 1;
      if (agg.op == AggregateOp::kStddev || agg.op == AggregateOp::kStdvar) g.value = 0.0;
      if (agg.op == AggregateOp::kQuantile) g.values.push_back(v);
      if (ranking) g.heap.push_back(element);
      groups.push_back(std::move(g));
      continue;
    }
    Group& g = groups[it->second];
    switch (agg.op) {
      case AggregateOp::kSum:
        g.value += v;
        break;
      case AggregateOp::kAvg:
        g.count += 1;
        if (std::isinf(g.mean)) {
          if (std::isinf(v) && (g.mean > 0) == (v > 0)) break;
          if (!std::isinf(v) && !std::isnan(v)) break;
        }
        // Dividing each term first avoids overflowing float64, as Prometheus does.
        g.mean += v / g.count - g.mean / g.count;
        break;
      case AggregateOp::kMax:
        if (g.value < v || std::isnan(g.value)) g.value = v;
        break;
      case AggregateOp::kMin:
        if (g.value > v || std::isnan(g.value)) g.value = v;
        break;
      case AggregateOp::kCount:
      case AggregateOp::kGroup:
        g.count += 1;
        break;
      case AggregateOp::kStddev:
      case AggregateOp::kStdvar: {
        g.count += 1;
        double delta = v - g.mean;
        g.mean += delta / g.count;
        g.value += delta * (v - g.mean);
        break;
      }
      case AggregateOp::kTopk:
        if (static_cast<int64_t>(g.heap.size()) < k) {
          g.heap.push_back(element);
          heap_up(g.heap, g.heap.size() - 1, topk_less);
        } else if (g.heap[0].v < v || (std::isnan(g.heap[0].v) && !std::isnan(v))) {
          g.heap[0] = element;
          if (k > 1) heap_down(g.heap, 0, topk_less);
        }
        break;
      case AggregateOp::kBottomk:
        if (static_cast<int64_t>(g.heap.size()) < k) {
          g.heap.push_back(element);
          heap_up(g.heap, g.heap.size() - 1, bottomk_less);
        } else if (g.heap[0].v > v || (std::isnan(g.heap[0].v) && !std::isnan(v))) {
          g.heap[0] = element;
          if (k > 1) heap_down(g.heap, 0, bottomk_less);
        }
        break;
      case AggregateOp::kQuantile:
        g.values.push_back(v);
        break;
    }
  }

  Vector out;
  out.reserve(groups.size());
  for (auto& g : groups) {
    double v = g.value;
    switch (agg.op) {
      case AggregateOp::kAvg:
        v = g.mean;
        break;
      case AggregateOp::kCount:
        v = g.count;
        break;
      case AggregateOp::kGroup:
        v = 1.0;
        break;
      case AggregateOp::kStdvar:
        v = g.value / g.count;
        break;
      case AggregateOp::kStddev:
        v = std::sqrt(g.value / g.count);
        break;
      case AggregateOp::kQuantile:
        v = quantile_of(param, std::move(g.values));
        break;
      case AggregateOp::kTopk:
      case AggregateOp::kBottomk:
        for (auto& element : g.heap) {
          element.t = now;
          out.push_back(std::move(element));
        }
        continue;
      default:
        break;
    }
    out.push_back(VectorElement{std::move(g.labels), v, now});
  }
  return out;
}

}  // namespace specwatch::rules
