#include "sidecar/rules/promql_evaluator.h"

#include <algorithm>
#include <cmath>

#include "sidecar/rules/promql_functions.h"
#include "sidecar/rules/promql_operators.h"

namespace specwatch::rules {
namespace {

// Views of the window of every matching series; a window is copied only when it holds stale
// markers, which range functions skip.
void select_range(const SeriesSource& source, const MatrixSelector& matrix, Timestamp now,
                  FunctionArgs& args) {
  Timestamp maxt = now - matrix.selector.offset_ms;
  Timestamp mint = maxt - matrix.range_ms;
  args.range.reserve(128);
  source.select(matrix.selector.matchers, mint, maxt,
                [&](const Labels& labels, std::span<const Sample> samples) {
                  bool has_stale = std::any_of(samples.begin(), samples.end(),
                                               [](const Sample& s) { return is_stale_nan(s.v); });
                  if (!has_stale) {
                    args.range.push_back(RangeSeries{&labels, samples});
                    return;
                  }
                  std::vector<Sample> kept;
                  for (const auto& s : samples) {
                    if (!is_stale_nan(s.v)) kept.push_back(s);
                  }
                  if (kept.empty()) return;
                  // Moving the vector keeps its buffer, so the span stays valid.
                  args.filtered.push_back(std::move(kept));
                  args.range.push_back(RangeSeries{&labels, args.filtered.back()});
                });
}

}  // namespace

bool has_duplicate_labelsets(const Vector& vector) {
  if (vector.size() < 2) return false;
  // Sorting hashes finds candidates without copying a label set; equal hashes are compared.
  std::vector<std::pair<size_t, const Labels*>> hashed;
  hashed.reserve(vector.size());
  for (const auto& element : vector) {
    hashed.emplace_back(LabelsHash{}(element.labels), &element.labels);
  }
  std::sort(hashed.begin(), hashed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 1; i < hashed.size(); ++i) {
    for (size_t j = i; j-- > 0 && hashed[j].first == hashed[i].first;) {
      if (*hashed[j].second == *hashed[i].second) return true;
    }
  }
  return false;
}

void check_unique_labelsets(const Vector& vector) {
  if (has_duplicate_labelsets(vector)) {
    throw EvalError("vector cannot contain metrics with the same labelset");
  }
}

EvalValue Evaluator::eval(const Expr& expr) {
  return std::visit(
      [&](const auto& node) -> EvalValue {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, NumberLiteral>) {
          return EvalValue{ValueType::kScalar, node.value, {}, {}};
        } else if constexpr (std::is_same_v<T, StringLiteral>) {
          return EvalValue{ValueType::kString, 0.0, {}, node.value};
        } else if constexpr (std::is_same_v<T, VectorSelector>) {
          return eval_selector(node);
        } else if constexpr (std::is_same_v<T, MatrixSelector>) {
          throw EvalError("a range vector cannot be the result of an expression");
        } else if constexpr (std::is_same_v<T, Call>) {
          return eval_call(node);
        } else if constexpr (std::is_same_v<T, Aggregation>) {
          return eval_aggregation(node);
        } else if constexpr (std::is_same_v<T, Binary>) {
          return eval_binary(node);
        } else if constexpr (std::is_same_v<T, Unary>) {
          return eval_unary(node);
        } else {
          return eval(*node.expr);
        }
      },
      expr.node);
}

Vector Evaluator::select_instant(const VectorSelector& selector,
                                 std::vector<const Labels*>& labels) {
  Vector out;
  out.reserve(128);
  labels.reserve(128);
  Timestamp ref = now_ - selector.offset_ms;
  // The latest sample in [ref - lookback, ref]; a stale marker there means the series ended.
  source_.select(selector.matchers, ref - lookback_ms_, ref,
                 [&](const Labels& series, std::span<const Sample> samples) {
                   const Sample& last = samples.back();
                   if (is_stale_nan(last.v)) return;
                   out.push_back(VectorElement{Labels(), last.v, last.t});
                   labels.push_back(&series);
                 });
  return out;
}

EvalValue Evaluator::eval_selector(const VectorSelector& selector) {
  std::vector<const Labels*> labels;
  EvalValue out{ValueType::kVector, 0.0, select_instant(selector, labels), {}};
  for (size_t i = 0; i < labels.size(); ++i) out.vector[i].labels = *labels[i];
  return out;
}

namespace {

// A selector with __name__="m" sees series of one metric name only: their label sets stay
// unique when a function drops the name.
bool names_one_metric(const VectorSelector& selector) {
  return std::any_of(selector.matchers.begin(), selector.matchers.end(), [](const auto& m) {
    return m.name() == kMetricNameLabel && m.type() == MatchType::kEqual;
  });
}

}  // namespace

FunctionResult Evaluator::call_function(const Call& call, bool defer_labels, bool& unique) {
  FunctionArgs args;
  args.call = &call;
  args.now = now_;
  args.defer_labels = defer_labels;
  size_t n = call.args.size();
  args.scalars.assign(n, std::nan(""));
  args.vectors.resize(n);
  args.strings.resize(n);
  unique = false;
  for (size_t i = 0; i < n; ++i) {
    const Expr& arg = *call.args[i];
    if (const auto* matrix = std::get_if<MatrixSelector>(&arg.node)) {
      select_range(source_, *matrix, now_, args);
      // The source's series are distinct label sets; one element per series at most.
      unique = names_one_metric(matrix->selector);
      continue;
    }
    EvalValue value = eval(arg);
    args.scalars[i] = value.scalar;
    args.vectors[i] = std::move(value.vector);
    args.strings[i] = std::move(value.string);
  }
  return call.function->impl(args);
}

EvalValue Evaluator::eval_call(const Call& call) {
  bool unique = false;
  FunctionResult result = call_function(call, false, unique);
  if (result.is_scalar) return EvalValue{ValueType::kScalar, result.scalar, {}, {}};
  if (!unique) check_unique_labelsets(result.vector);
  return EvalValue{ValueType::kVector, 0.0, std::move(result.vector), {}};
}

EvalValue Evaluator::eval_aggregation(const Aggregation& aggregation) {
  double param = 0.0;
  if (aggregation.param) param = eval(*aggregation.param).scalar;
  // sum by (x) (rate(m[5m])): the aggregation reads the store's label sets directly instead of
  // a copy of each without its name. topk/bottomk output input elements, so they need copies.
  const auto* call = std::get_if<Call>(&aggregation.expr->node);
  bool ranking = aggregation.op == AggregateOp::kTopk || aggregation.op == AggregateOp::kBottomk;
  if (call && !ranking) {
    bool unique = false;
    FunctionResult result = call_function(*call, true, unique);
    if (!result.is_scalar) {
      if (result.labels_deferred && !unique) {
        // Uniqueness is about the label sets without the name: check them as the function
        // would have produced them.
        for (size_t i = 0; i < result.vector.size(); ++i) {
          result.vector[i].labels = result.source_labels[i]->without_metric_name();
        }
        result.labels_deferred = false;
      }
      if (!unique) check_unique_labelsets(result.vector);
      return EvalValue{ValueType::kVector,
                       0.0,
                       aggregate(aggregation, result.vector, param, now_,
                                 result.labels_deferred ? &result.source_labels : nullptr),
                       {}};
    }
  }
  if (const auto* selector = std::get_if<VectorSelector>(&aggregation.expr->node);
      selector && !ranking) {
    std::vector<const Labels*> labels;
    Vector input = select_instant(*selector, labels);
    return EvalValue{
        ValueType::kVector, 0.0, aggregate(aggregation, input, param, now_, &labels, false), {}};
  }
  EvalValue input = eval(*aggregation.expr);
  return EvalValue{ValueType::kVector, 0.0, aggregate(aggregation, input.vector, param, now_), {}};
}

EvalValue Evaluator::eval_binary(const Binary& binary) {
  EvalValue lhs = eval(*binary.lhs);
  EvalValue rhs = eval(*binary.rhs);
  if (lhs.type == ValueType::kScalar && rhs.type == ValueType::kScalar) {
    bool keep = true;
    double v = apply_binary(binary.op, lhs.scalar, rhs.scalar, keep);
    if (binary.return_bool) v = keep ? 1.0 : 0.0;
    return EvalValue{ValueType::kScalar, v, {}, {}};
  }
  Vector out;
  if (lhs.type == ValueType::kVector && rhs.type == ValueType::kVector) {
    out = vector_vector_binary(binary, lhs.vector, rhs.vector, now_);
  } else if (lhs.type == ValueType::kVector) {
    out = vector_scalar_binary(binary, lhs.vector, rhs.scalar, false, now_);
  } else {
    out = vector_scalar_binary(binary, rhs.vector, lhs.scalar, true, now_);
  }
  check_unique_labelsets(out);
  return EvalValue{ValueType::kVector, 0.0, std::move(out), {}};
}

EvalValue Evaluator::eval_unary(const Unary& unary) {
  EvalValue value = eval(*unary.expr);
  if (value.type == ValueType::kScalar) {
    value.scalar = -value.scalar;
    return value;
  }
  for (auto& element : value.vector) {
    element.labels.erase(kMetricNameLabel);
    element.v = -element.v;
    element.t = now_;
  }
  check_unique_labelsets(value.vector);
  return value;
}

QueryResult evaluate_instant(const Expr& expr, const SeriesSource& source, Timestamp now,
                             int64_t lookback_ms) {
  QueryResult result;
  try {
    EvalValue value = Evaluator(source, now, lookback_ms).eval(expr);
    if (value.type == ValueType::kString) {
      result.error = "expression returns a string, not a vector or scalar";
    } else if (value.type == ValueType::kScalar) {
      result.is_scalar = true;
      result.scalar = value.scalar;
    } else {
      result.vector = std::move(value.vector);
    }
  } catch (const EvalError& e) {
    result.error = e.what();
  }
  return result;
}

}  // namespace specwatch::rules
