// Prometheus rule files (groups of recording and alerting rules), read with yaml-cpp and checked
// as promtool check rules does. Every problem is reported as "file:line:column: key: message".
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sidecar/rules/promql_ast.h"
#include "sidecar/rules/rule_template.h"

namespace specwatch::rules {

struct NamedTemplate {
  std::string name;
  std::string text;
  std::shared_ptr<const RuleTemplate> compiled;
};

struct RuleSpec {
  std::string record;  // set for a recording rule
  std::string alert;   // set for an alerting rule
  std::string expr_text;
  std::shared_ptr<const Expr> expr;
  int64_t for_ms = 0;
  int64_t keep_firing_for_ms = 0;
  std::vector<NamedTemplate> labels;  // templates for alerts, plain values for records
  std::vector<NamedTemplate> annotations;
  std::string location;  // file:line:column of the rule, for error texts
  const std::string& name() const { return record.empty() ? alert : record; }
};

struct RuleGroupSpec {
  std::string name;
  std::string file;
  int64_t interval_ms = 0;  // 0: the evaluator's default interval
  int64_t limit = 0;
  std::vector<RuleSpec> rules;
};

struct RuleFileResult {
  std::vector<RuleGroupSpec> groups;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};

RuleFileResult parse_rule_file(const std::string& text, const std::string& file_name);
RuleFileResult load_rule_file(const std::string& path);

}  // namespace specwatch::rules
