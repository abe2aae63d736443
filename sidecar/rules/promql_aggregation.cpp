// Aggregation operators (sum, avg, min, max, count, group, stddev, stdvar, topk, bottomk,
// quantile) with Prometheus 2.42's arithmetic: running mean for avg, Welford for stddev, and
// topk/bottomk kept in a binary heap exactly like Go's container/heap, so ties resolve alike.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "sidecar/rules/promql_evaluator.h"
#include "sidecar/rules/promql_operators.h"
#include "sidecar/rules/promql_quantile.h"

namespace specwatch::rules {
namespace {

inline constexpr size_t kNoGroup = static_cast<size_t>(-1);

struct Group {
  Labels labels;
  size_t next_same_hash = kNoGroup;  // the next group whose key has the same hash
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

// The labels of an element that form its group key: listed in by(...), or not listed in
// without(...) and not the metric name. Collected into a buffer reused across elements, so that
// an element joining an existing group copies no label and builds no string.
class GroupKey {
 public:
  GroupKey(const Aggregation& agg, bool name_dropped) : agg_(agg), name_dropped_(name_dropped) {
    for (const auto& name : agg.grouping) {
      listed_lengths_ |= name.size() < 64 ? uint64_t{1} << name.size() : 0;
      has_long_name_ |= name.size() >= 64;
    }
  }

  void collect(const Labels& labels) {
    key_.clear();
    for (const auto& label : labels.items()) {
      if (in_group(label.name)) key_.push_back(&label);
    }
  }
  size_t hash() const {
    size_t hash = 0;
    for (const Label* label : key_) hash = hash_label(*label, hash);
    return hash;
  }
  bool equals(const Labels& group) const {
    if (group.size() != key_.size()) return false;
    for (size_t i = 0; i < key_.size(); ++i) {
      if (group.items()[i] != *key_[i]) return false;
    }
    return true;
  }
  Labels labels() const {
    std::vector<Label> items;
    // One spare: a recording rule sets its name on the result without reallocating.
    items.reserve(key_.size() + 1);
    for (const Label* label : key_) items.push_back(*label);
    return Labels::from_sorted(std::move(items));  // a subset of a valid label set
  }

 private:
  // Called for every label of every input element: the length filter and the first character
  // settle most labels without a string comparison, and the rest compare inline (same_text).
  bool in_group(const std::string& name) const {
    bool is_name = name[0] == '_' && same_text(name, kMetricNameLabel);
    if (is_name && name_dropped_) return false;
    bool maybe_listed = name.size() < 64 ? (listed_lengths_ >> name.size()) & 1 : has_long_name_;
    bool listed =
        maybe_listed && std::any_of(agg_.grouping.begin(), agg_.grouping.end(),
                                    [&name](const std::string& l) { return same_text(l, name); });
    return agg_.without ? (!listed && !is_name) : listed;
  }

  const Aggregation& agg_;
  bool name_dropped_;
  uint64_t listed_lengths_ = 0;  // bit n set when a grouping label name has n characters
  bool has_long_name_ = false;
  std::vector<const Label*> key_;  // in label order
};

// Group key hash -> the first group with that hash, by open addressing: an aggregation has few
// groups and is looked up once per input element, so a flat table beats node-based maps.
class GroupIndex {
 public:
  // The group recorded for `hash`, or kNoGroup after recording `group` for it.
  size_t find_or_add(size_t hash, size_t group) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.group == kNoGroup) {
        slot = Slot{hash, group};
        ++used_;
        return kNoGroup;
      }
      if (slot.hash == hash) return slot.group;
    }
  }

 private:
  struct Slot {
    size_t hash = 0;
    size_t group = kNoGroup;
  };
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<size_t>(16, old.size() * 2), Slot{});
    used_ = 0;
    for (const Slot& slot : old) {
      if (slot.group != kNoGroup) find_or_add(slot.hash, slot.group);
    }
  }
  std::vector<Slot> slots_;  // a power of two in size, at most half full
  size_t used_ = 0;
};

}  // namespace

Vector aggregate(const Aggregation& agg, const Vector& input, double param, Timestamp now,
                 const std::vector<const Labels*>* source_labels, bool source_names_dropped) {
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
  GroupIndex first_with_hash;
  std::vector<Group> groups;
  groups.reserve(16);  // most aggregations have a handful of groups: no regrowth, no moves
  GroupKey key(agg, source_labels != nullptr && source_names_dropped);
  for (size_t e = 0; e < input.size(); ++e) {
    const VectorElement& element = input[e];
    key.collect(source_labels ? *(*source_labels)[e] : element.labels);
    size_t hash = key.hash();
    size_t first = first_with_hash.find_or_add(hash, groups.size());
    size_t found = kNoGroup;
    size_t last_in_chain = kNoGroup;
    if (first != kNoGroup) {
      for (size_t i = first; i != kNoGroup; i = groups[i].next_same_hash) {
        if (key.equals(groups[i].labels)) {
          found = i;
          break;
        }
        last_in_chain = i;
      }
    }
    double v = element.v;
    if (found == kNoGroup) {
      if (last_in_chain != kNoGroup) groups[last_in_chain].next_same_hash = groups.size();
      Group g;
      g.labels = key.labels();
      g.value = v;
      g.mean = v;
      g.count = 1;
      if (agg.op == AggregateOp::kStddev || agg.op == AggregateOp::kStdvar) g.value = 0.0;
      if (agg.op == AggregateOp::kQuantile) g.values.push_back(v);
      if (ranking) g.heap.push_back(element);
      groups.push_back(std::move(g));
      continue;
    }
    Group& g = groups[found];
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
