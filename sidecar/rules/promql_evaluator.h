// Evaluates a parsed PromQL expression at one instant, with Prometheus 2.42 semantics: 5-minute
// lookback for instant selectors, stale markers ending a series, inclusive range windows.
#pragma once

#include <stdexcept>
#include <string>

#include "sidecar/rules/promql_ast.h"
#include "sidecar/rules/promql_functions.h"
#include "sidecar/rules/sample.h"
#include "sidecar/rules/series_source.h"

namespace specwatch::rules {

inline constexpr int64_t kDefaultLookbackMs = 5 * 60 * 1000;

// An error found while evaluating (many-to-many matching, duplicate label sets, ...).
class EvalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct QueryResult {
  std::string error;  // empty on success
  bool is_scalar = false;
  double scalar = 0.0;
  Vector vector;  // order carries no meaning
  bool ok() const { return error.empty(); }
};

struct EvalValue {
  ValueType type = ValueType::kScalar;
  double scalar = 0.0;
  Vector vector;
  std::string string;
};

class Evaluator {
 public:
  Evaluator(const SeriesSource& source, Timestamp now, int64_t lookback_ms = kDefaultLookbackMs)
      : source_(source), now_(now), lookback_ms_(lookback_ms) {}
  // Throws EvalError.
  EvalValue eval(const Expr& expr);

 private:
  EvalValue eval_selector(const VectorSelector& selector);
  // The selector's elements with empty labels; `labels` gets the source's label sets.
  Vector select_instant(const VectorSelector& selector, std::vector<const Labels*>& labels);
  EvalValue eval_call(const Call& call);
  // Evaluates the arguments and calls the function; `defer_labels` as in FunctionArgs. Whether
  // the result's label sets are known to be unique is reported in `unique`.
  FunctionResult call_function(const Call& call, bool defer_labels, bool& unique);
  EvalValue eval_aggregation(const Aggregation& aggregation);
  EvalValue eval_binary(const Binary& binary);
  EvalValue eval_unary(const Unary& unary);

  const SeriesSource& source_;
  Timestamp now_;
  int64_t lookback_ms_;
};

QueryResult evaluate_instant(const Expr& expr, const SeriesSource& source, Timestamp now,
                             int64_t lookback_ms = kDefaultLookbackMs);

// Whether two elements share a label set (found by hash, without copying label sets).
bool has_duplicate_labelsets(const Vector& vector);
// Throws EvalError when two elements share a label set (what Prometheus refuses after functions,
// operators and aggregations).
void check_unique_labelsets(const Vector& vector);

}  // namespace specwatch::rules
