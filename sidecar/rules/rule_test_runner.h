// Runs rule unit-test files in promtool's format (promtool test rules): input series in the
// expanding notation, alert_rule_test and promql_expr_test cases, external_labels and
// group_eval_order. The report text follows promtool's layout (expected vs got).
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>
#include <vector>

#include "sidecar/rules/promql_ast.h"

namespace specwatch::rules {

struct RuleTestReport {
  bool passed = false;
  std::string output;  // "Unit Testing:  FILE\n  SUCCESS\n" or the failures
};

// The rule files a test file's `rule_files` names (relative to the test file, globs expanded).
std::vector<std::string> rule_files_of(const YAML::Node& root, const std::string& test_file);

struct RuleTestOptions {
  // When set and it returns a reason for an expression, the alert_rule_test cases of rules with
  // that expression and the promql_expr_test cases of such an expression are skipped, and the
  // report says so ("  SKIPPED alertname: X at 5m: <reason>"). The sidecar passes its
  // Prometheus-only classification here.
  std::function<std::string(const Expr& expr)> skip_reason;
};

RuleTestReport run_rule_test_file(const std::string& path, const RuleTestOptions& options = {});
// All files; passed only when every file passed.
RuleTestReport run_rule_test_files(const std::vector<std::string>& paths,
                                   const RuleTestOptions& options = {});

}  // namespace specwatch::rules
