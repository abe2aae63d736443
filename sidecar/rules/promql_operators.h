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
Vector aggregate(const Aggregation& aggregation, const Vector& input, double param, Timestamp now);

// Go's math.Max / math.Min (NaN wins, unlike std::fmax).
double go_max(double a, double b);
double go_min(double a, double b);

}  // namespace specwatch::rules
