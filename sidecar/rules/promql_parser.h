// Parses the PromQL subset into a type-checked syntax tree. Anything outside the subset
// (subqueries, @, unknown functions, count_values, negative offsets) is refused with an error
// naming it and its position, so it is never evaluated wrongly.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "sidecar/rules/promql_ast.h"

namespace specwatch::rules {

struct ParsedExpr {
  ExprPtr expr;       // set on success
  std::string error;  // "line:column: parse error: message" on failure
  bool ok() const { return expr != nullptr; }
};

ParsedExpr parse_promql(std::string_view source);

// A series description of the unit-test format: metric{label="value", ...} (equality only).
struct ParsedMetric {
  Labels labels;
  std::string error;
};
ParsedMetric parse_metric(std::string_view source);

}  // namespace specwatch::rules
