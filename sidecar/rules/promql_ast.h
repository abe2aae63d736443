// The syntax tree of the PromQL subset this engine evaluates (see README.md for the subset).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "sidecar/rules/labels.h"

namespace specwatch::rules {

enum class ValueType { kScalar, kVector, kMatrix, kString };
const char* value_type_name(ValueType type);

struct Position {
  int line = 1;
  int column = 1;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct NumberLiteral {
  double value = 0.0;
};
struct StringLiteral {
  std::string value;
};
struct VectorSelector {
  std::string metric_name;             // empty for {job="x"}
  std::vector<LabelMatcher> matchers;  // includes __name__="metric_name" when named
  int64_t offset_ms = 0;
};
struct MatrixSelector {
  VectorSelector selector;
  int64_t range_ms = 0;
};

struct FunctionInfo;
struct Call {
  const FunctionInfo* function = nullptr;
  std::vector<ExprPtr> args;
};

enum class AggregateOp {
  kSum,
  kAvg,
  kMin,
  kMax,
  kCount,
  kGroup,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kQuantile
};
struct Aggregation {
  AggregateOp op = AggregateOp::kSum;
  ExprPtr param;  // k of topk/bottomk, q of quantile
  ExprPtr expr;
  bool without = false;
  std::vector<std::string> grouping;
};

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEq,
  kNe,
  kGt,
  kLt,
  kGe,
  kLe,
  kAnd,
  kOr,
  kUnless
};
bool is_comparison(BinaryOp op);
bool is_set_operator(BinaryOp op);
const char* binary_op_name(BinaryOp op);

enum class Cardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };
struct VectorMatching {
  Cardinality card = Cardinality::kOneToOne;
  bool on = false;  // on(...) rather than ignoring(...)
  std::vector<std::string> labels;
  std::vector<std::string> include;  // group_left(...) / group_right(...) labels
};
struct Binary {
  BinaryOp op = BinaryOp::kAdd;
  ExprPtr lhs;
  ExprPtr rhs;
  bool return_bool = false;
  VectorMatching matching;
};

struct Unary {
  bool negate = false;
  ExprPtr expr;
};
struct Paren {
  ExprPtr expr;
};

struct Expr {
  std::variant<NumberLiteral, StringLiteral, VectorSelector, MatrixSelector, Call, Aggregation,
               Binary, Unary, Paren>
      node;
  ValueType type = ValueType::kScalar;
  Position position;
};

}  // namespace specwatch::rules
