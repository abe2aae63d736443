// Runs rule unit-test files in promtool's format (promtool test rules): input series in the
// expanding notation, alert_rule_test and promql_expr_test cases, external_labels and
// group_eval_order. The report text follows promtool's layout (expected vs got).
#pragma once

#include <string>
#include <vector>

namespace specwatch::rules {

struct RuleTestReport {
  bool passed = false;
  std::string output;  // "Unit Testing:  FILE\n  SUCCESS\n" or the failures
};

RuleTestReport run_rule_test_file(const std::string& path);
// All files; passed only when every file passed.
RuleTestReport run_rule_test_files(const std::vector<std::string>& paths);

}  // namespace specwatch::rules
