// The PromQL functions this engine knows: their signatures (checked when parsing) and their
// implementations (called by the evaluator).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "sidecar/rules/promql_ast.h"
#include "sidecar/rules/sample.h"

namespace specwatch::rules {

// The samples of one series inside a range selector's window, stale markers removed. Both are
// views: into the series source (valid for the query, see SeriesSource::select) or, when stale
// markers had to be removed, into FunctionArgs::filtered.
struct RangeSeries {
  const Labels* labels = nullptr;
  std::span<const Sample> samples;
};

// What a function is called with: each argument evaluated at the evaluation time.
struct FunctionArgs {
  const Call* call = nullptr;
  Timestamp now = 0;
  std::vector<double> scalars;                // per argument position; NaN when not scalar
  std::vector<Vector> vectors;                // per argument position; empty when not vector
  std::vector<RangeSeries> range;             // the range-vector argument, when there is one
  std::vector<std::vector<Sample>> filtered;  // windows that held stale markers, without them
  std::vector<std::string> strings;           // per argument position; empty when not string
  // Asks a range function that drops the metric name to leave the output labels empty and
  // report the series' label sets in FunctionResult::source_labels instead (for aggregate()).
  bool defer_labels = false;
};

// The result of a function: a vector, or a scalar (time(), scalar()).
struct FunctionResult {
  bool is_scalar = false;
  double scalar = 0.0;
  Vector vector;
  // Set when the function honoured FunctionArgs::defer_labels: element i's labels are
  // *source_labels[i] without the metric name.
  bool labels_deferred = false;
  std::vector<const Labels*> source_labels;
};

using FunctionImpl = FunctionResult (*)(const FunctionArgs& args);

struct FunctionInfo {
  std::string_view name;
  std::vector<ValueType> arg_types;
  int optional_args = 0;  // trailing arguments that may be left out (round's to_nearest)
  ValueType return_type;
  FunctionImpl impl;
};

// nullptr for a function outside the subset.
const FunctionInfo* find_function(std::string_view name);

}  // namespace specwatch::rules
