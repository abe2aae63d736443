#include "sidecar/rules/promql_ast.h"

namespace specwatch::rules {

const char* value_type_name(ValueType type) {
  switch (type) {
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kVector:
      return "instant vector";
    case ValueType::kMatrix:
      return "range vector";
    case ValueType::kString:
      return "string";
  }
  return "unknown";
}

bool is_comparison(BinaryOp op) {
  return op >= BinaryOp::kEq && op <= BinaryOp::kLe;
}
bool is_set_operator(BinaryOp op) {
  return op >= BinaryOp::kAnd;
}

const char* binary_op_name(BinaryOp op) {
  static constexpr const char* kNames[] = {
      "+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<=", "and", "or", "unless"};
  return kNames[static_cast<int>(op)];
}

}  // namespace specwatch::rules
