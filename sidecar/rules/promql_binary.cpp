// Binary operators between vectors and scalars, following Prometheus 2.42's engine: arithmetic
// drops the metric name, a comparison filters and keeps the left-hand value, `bool` turns the
// filter into 0/1 and drops the name, set operators match on label signatures.
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "sidecar/rules/promql_evaluator.h"
#include "sidecar/rules/promql_operators.h"

namespace specwatch::rules {
namespace {

bool drops_metric_name(BinaryOp op) {
  return op >= BinaryOp::kAdd && op <= BinaryOp::kPow;
}

std::string signature(const Labels& labels, const VectorMatching& matching) {
  return matching_signature(labels, matching.on, matching.labels);
}

Vector set_operation(const Binary& binary, const Vector& lhs, const Vector& rhs) {
  Vector out;
  switch (binary.op) {
    case BinaryOp::kAnd: {
      if (lhs.empty() || rhs.empty()) return out;
      std::unordered_set<std::string> right;
      for (const auto& r : rhs) right.insert(signature(r.labels, binary.matching));
      for (const auto& l : lhs) {
        if (right.contains(signature(l.labels, binary.matching))) out.push_back(l);
      }
      return out;
    }
    case BinaryOp::kOr: {
      std::unordered_set<std::string> left;
      for (const auto& l : lhs) {
        left.insert(signature(l.labels, binary.matching));
        out.push_back(l);
      }
      for (const auto& r : rhs) {
        if (!left.contains(signature(r.labels, binary.matching))) out.push_back(r);
      }
      return out;
    }
    default: {  // unless
      std::unordered_set<std::string> right;
      for (const auto& r : rhs) right.insert(signature(r.labels, binary.matching));
      for (const auto& l : lhs) {
        if (!right.contains(signature(l.labels, binary.matching))) out.push_back(l);
      }
      return out;
    }
  }
}

Labels result_labels(const Labels& many, const Labels& one, const Binary& binary) {
  Labels out = many;
  if (drops_metric_name(binary.op)) out.erase(kMetricNameLabel);
  const VectorMatching& m = binary.matching;
  if (m.card == Cardinality::kOneToOne) {
    out = m.on ? out.keep_only(m.labels) : [&] {
      Labels kept = out;
      for (const auto& name : m.labels) kept.erase(name);
      return kept;
    }();
  }
  for (const auto& name : m.include) out.set(name, one.get(name));
  return out;
}

}  // namespace

double go_max(double a, double b) {
  if (std::isinf(a) && a > 0) return a;
  if (std::isinf(b) && b > 0) return b;
  if (std::isnan(a) || std::isnan(b)) return std::nan("");
  return a > b ? a : b;
}

double go_min(double a, double b) {
  if (std::isinf(a) && a < 0) return a;
  if (std::isinf(b) && b < 0) return b;
  if (std::isnan(a) || std::isnan(b)) return std::nan("");
  return a < b ? a : b;
}

double apply_binary(BinaryOp op, double lhs, double rhs, bool& keep) {
  keep = true;
  switch (op) {
    case BinaryOp::kAdd:
      return lhs + rhs;
    case BinaryOp::kSub:
      return lhs - rhs;
    case BinaryOp::kMul:
      return lhs * rhs;
    case BinaryOp::kDiv:
      return lhs / rhs;
    case BinaryOp::kMod:
      return std::fmod(lhs, rhs);
    case BinaryOp::kPow:
      return std::pow(lhs, rhs);
    case BinaryOp::kEq:
      keep = lhs == rhs;
      return lhs;
    case BinaryOp::kNe:
      keep = lhs != rhs;
      return lhs;
    case BinaryOp::kGt:
      keep = lhs > rhs;
      return lhs;
    case BinaryOp::kLt:
      keep = lhs < rhs;
      return lhs;
    case BinaryOp::kGe:
      keep = lhs >= rhs;
      return lhs;
    case BinaryOp::kLe:
      keep = lhs <= rhs;
      return lhs;
    default:
      throw EvalError("operator not allowed between numbers");
  }
}

Vector vector_scalar_binary(const Binary& binary, const Vector& vector, double scalar,
                            bool scalar_on_left, Timestamp now) {
  Vector out;
  out.reserve(vector.size());
  for (const auto& element : vector) {
    double l = scalar_on_left ? scalar : element.v;
    double r = scalar_on_left ? element.v : scalar;
    bool keep = true;
    double v = apply_binary(binary.op, l, r, keep);
    // A comparison always yields the vector's value, even when the scalar is on the left.
    if (is_comparison(binary.op) && scalar_on_left) v = r;
    if (binary.return_bool) {
      v = keep ? 1.0 : 0.0;
      keep = true;
    }
    if (!keep) continue;
    VectorElement e{element.labels, v, now};
    if (drops_metric_name(binary.op) || binary.return_bool) e.labels.erase(kMetricNameLabel);
    out.push_back(std::move(e));
  }
  return out;
}

Vector vector_vector_binary(const Binary& binary, const Vector& lhs_in, const Vector& rhs_in,
                            Timestamp now) {
  if (is_set_operator(binary.op)) return set_operation(binary, lhs_in, rhs_in);
  if (lhs_in.empty() || rhs_in.empty()) return {};
  const VectorMatching& m = binary.matching;
  bool swapped = m.card == Cardinality::kOneToMany;
  const Vector& many = swapped ? rhs_in : lhs_in;
  const Vector& one = swapped ? lhs_in : rhs_in;

  std::unordered_map<std::string, const VectorElement*> one_side;
  one_side.reserve(one.size());
  for (const auto& element : one) {
    auto [it, inserted] = one_side.emplace(signature(element.labels, m), &element);
    if (!inserted) {
      Labels matched = m.on ? element.labels.keep_only(m.labels) : element.labels.drop(m.labels);
      throw EvalError(
          "found duplicate series for the match group " + matched.to_string() + " on the " +
          (swapped ? "left" : "right") + " hand-side of the operation: [" +
          element.labels.to_string() + ", " + it->second->labels.to_string() +
          "];many-to-many matching not allowed: matching labels must be unique on one side");
    }
  }
  // For one-to-one: which signatures produced a result. For many-to-one: the result label sets
  // per signature, which must stay unique.
  std::unordered_map<std::string, std::unordered_set<Labels, LabelsHash>> matched;
  Vector out;
  for (const auto& element : many) {
    std::string sig = signature(element.labels, m);
    auto found = one_side.find(sig);
    if (found == one_side.end()) continue;
    double vl = element.v;
    double vr = found->second->v;
    if (swapped) std::swap(vl, vr);
    bool keep = true;
    double v = apply_binary(binary.op, vl, vr, keep);
    if (binary.return_bool) {
      v = keep ? 1.0 : 0.0;
    } else if (!keep) {
      continue;
    }
    Labels labels = result_labels(element.labels, found->second->labels, binary);
    if (binary.return_bool) labels.erase(kMetricNameLabel);
    auto [slot, first] = matched.try_emplace(sig);
    if (m.card == Cardinality::kOneToOne) {
      if (!first) {
        throw EvalError(
            "multiple matches for labels: many-to-one matching must be explicit "
            "(group_left/group_right)");
      }
    } else if (!slot->second.insert(labels).second) {
      throw EvalError("multiple matches for labels: grouping labels must ensure unique results");
    }
    out.push_back(VectorElement{std::move(labels), v, now});
  }
  return out;
}

}  // namespace specwatch::rules
