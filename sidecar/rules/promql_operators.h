// Binary operators and aggregations, shared by the evaluator (internal to the rules library).
#pragma once

#include "sidecar/rules/promql_ast.h"
#include "sidecar/rules/sample.h"

namespace specwatch::rules {

// lhs op rhs on two numbers; `keep` is false when a comparison is false.
double apply_binary(BinaryOp op, double lhs, double rhs, bool& keep);
Vector vector_scalar_binary(const Binary& binary, const Vector& vector, double scalar,
                            bool scalar_on_left, Timestamp now);
Vector vector_vector_binary(const Binary& binary, const Vector& lhs, const Vector& rhs,
                            Timestamp now);
// `source_labels`, when given, holds the label sets of the input elements (whose own labels are
// then left empty), with the metric name counted as dropped when `source_names_dropped`. This
// lets sum(rate(m[5m])) and max(m) group the store's label sets without copying each one first.
// Not for topk/bottomk, which output input elements.
Vector aggregate(const Aggregation& aggregation, const Vector& input, double param, Timestamp now,
                 const std::vector<const Labels*>* source_labels = nullptr,
                 bool source_names_dropped = true);

// Go's math.Max / math.Min (NaN wins, unlike std::fmax).
double go_max(double a, double b);
double go_min(double a, double b);

}  // namespace specwatch::rules
