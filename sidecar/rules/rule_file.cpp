#include "sidecar/rules/rule_file.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "sidecar/rules/duration.h"
#include "sidecar/rules/promql_parser.h"

namespace specwatch::rules {
namespace {

class Reader {
 public:
  Reader(const std::string& file, std::vector<std::string>& errors)
      : file_(file), errors_(errors) {}

  std::string where(const YAML::Mark& mark) const {
    return file_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
  }
  void error(const YAML::Node& node, const std::string& key, const std::string& message) {
    errors_.push_back(where(node.Mark()) + ": " + key + ": " + message);
  }

  bool scalar(const YAML::Node& node, const std::string& key, std::string& out) {
    if (!node.IsScalar()) {
      error(node, key, "expected a string");
      return false;
    }
    out = node.Scalar();
    return true;
  }

  bool duration(const YAML::Node& node, const std::string& key, int64_t& out) {
    std::string text;
    if (!scalar(node, key, text)) return false;
    auto ms = parse_duration_ms(text);
    if (!ms) {
      error(node, key, "not a valid duration string: \"" + text + "\"");
      return false;
    }
    out = *ms;
    return true;
  }

  void string_map(const YAML::Node& node, const std::string& key, std::vector<NamedTemplate>& out) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      error(node, key, "expected a mapping");
      return;
    }
    for (const auto& item : node) {
      NamedTemplate t;
      t.name = item.first.Scalar();
      if (item.second.IsNull()) {
        out.push_back(std::move(t));
        continue;
      }
      if (!scalar(item.second, key + "." + t.name, t.text)) continue;
      out.push_back(std::move(t));
    }
  }

  void rule(const YAML::Node& node, const std::string& key, RuleGroupSpec& group) {
    if (!node.IsMap()) {
      error(node, key, "expected a mapping");
      return;
    }
    RuleSpec r;
    r.location = where(node.Mark());
    static const std::set<std::string> kKnown = {"record",          "alert",  "expr",       "for",
                                                 "keep_firing_for", "labels", "annotations"};
    for (const auto& item : node) {
      std::string name = item.first.Scalar();
      if (!kKnown.contains(name))
        error(item.first, key, "field " + name + " not found in type rulefmt.RuleNode");
    }
    if (node["record"]) scalar(node["record"], key + ".record", r.record);
    if (node["alert"]) scalar(node["alert"], key + ".alert", r.alert);
    if (node["expr"]) scalar(node["expr"], key + ".expr", r.expr_text);
    if (node["for"]) duration(node["for"], key + ".for", r.for_ms);
    if (node["keep_firing_for"])
      duration(node["keep_firing_for"], key + ".keep_firing_for", r.keep_firing_for_ms);
    if (node["labels"]) string_map(node["labels"], key + ".labels", r.labels);
    if (node["annotations"]) string_map(node["annotations"], key + ".annotations", r.annotations);

    if (r.record.empty() && r.alert.empty()) {
      if (node["record"] && !node["record"].IsNull()) {
        error(node["record"], key + ".record", "field 'record' must not be empty");
      } else if (node["alert"]) {
        error(node["alert"], key + ".alert", "field 'alert' must not be empty");
      } else {
        error(node, key, "one of 'record' or 'alert' must be set");
      }
      return;
    }
    if (!r.record.empty() && !r.alert.empty()) {
      error(node, key, "only one of 'record' and 'alert' must be set");
      return;
    }
    if (r.expr_text.empty()) {
      error(node, key, "field 'expr' must be set in rule");
      return;
    }
    ParsedExpr parsed = parse_promql(r.expr_text);
    if (!parsed.ok()) {
      error(node["expr"], key + ".expr", "could not parse expression: " + parsed.error);
    } else if (parsed.expr->type != ValueType::kVector && parsed.expr->type != ValueType::kScalar) {
      error(node["expr"], key + ".expr",
            std::string("expression must return a vector or scalar, not a ") +
                value_type_name(parsed.expr->type));
    } else {
      r.expr = std::shared_ptr<const Expr>(std::move(parsed.expr));
    }
    if (!r.record.empty()) {
      if (!r.annotations.empty())
        error(node["annotations"], key + ".annotations",
              "invalid field 'annotations' in recording rule");
      if (node["for"]) error(node["for"], key + ".for", "invalid field 'for' in recording rule");
      if (node["keep_firing_for"])
        error(node["keep_firing_for"], key + ".keep_firing_for",
              "invalid field 'keep_firing_for' in recording rule");
      if (!is_valid_metric_name(r.record))
        error(node["record"], key + ".record", "invalid recording rule name: " + r.record);
    }
    for (const auto& l : r.labels) {
      if (!is_valid_label_name(l.name) || l.name == kMetricNameLabel) {
        error(node["labels"], key + ".labels", "invalid label name: " + l.name);
      }
    }
    for (auto& a : r.annotations) {
      if (!is_valid_label_name(a.name))
        error(node["annotations"], key + ".annotations", "invalid annotation name: " + a.name);
    }
    if (!r.alert.empty()) {
      // Templates are compiled now so that a broken one fails loading, never an evaluation.
      std::string template_name = "__alert_" + r.alert;
      auto compile = [&](std::vector<NamedTemplate>& items, const char* what) {
        for (auto& item : items) {
          try {
            item.compiled = std::make_shared<const RuleTemplate>(template_name, item.text);
          } catch (const std::invalid_argument& e) {
            error(node[what][item.name], key + "." + what + "." + item.name, e.what());
          }
        }
      };
      compile(r.labels, "labels");
      compile(r.annotations, "annotations");
    }
    group.rules.push_back(std::move(r));
  }

  void group(const YAML::Node& node, const std::string& key, std::set<std::string>& names,
             RuleFileResult& out) {
    if (!node.IsMap()) {
      error(node, key, "expected a mapping");
      return;
    }
    RuleGroupSpec g;
    g.file = file_;
    static const std::set<std::string> kKnown = {"name", "interval", "limit", "rules"};
    for (const auto& item : node) {
      std::string name = item.first.Scalar();
      if (!kKnown.contains(name))
        error(item.first, key, "field " + name + " not found in type rulefmt.RuleGroup");
    }
    if (node["name"]) scalar(node["name"], key + ".name", g.name);
    if (g.name.empty()) {
      error(node, key + ".name", "Groupname must not be empty");
    } else if (!names.insert(g.name).second) {
      error(node["name"], key + ".name",
            "groupname: \"" + g.name + "\" is repeated in the same file");
    }
    if (node["interval"]) duration(node["interval"], key + ".interval", g.interval_ms);
    if (node["limit"]) {
      try {
        g.limit = node["limit"].as<int64_t>();
      } catch (const YAML::Exception&) {
        error(node["limit"], key + ".limit", "expected an integer");
      }
    }
    const YAML::Node rules = node["rules"];
    if (rules && !rules.IsNull()) {
      if (!rules.IsSequence()) {
        error(rules, key + ".rules", "expected a sequence");
      } else {
        for (size_t i = 0; i < rules.size(); ++i) {
          rule(rules[i], key + ".rules[" + std::to_string(i) + "]", g);
        }
      }
    }
    out.groups.push_back(std::move(g));
  }

 private:
  const std::string& file_;
  std::vector<std::string>& errors_;
};

}  // namespace

RuleFileResult parse_rule_file(const std::string& text, const std::string& file_name) {
  RuleFileResult out;
  Reader reader(file_name, out.errors);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    out.errors.push_back(file_name + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": yaml: " + e.msg);
    return out;
  }
  if (root.IsNull()) return out;
  if (!root.IsMap()) {
    reader.error(root, "(root)", "expected a mapping with key groups");
    return out;
  }
  for (const auto& item : root) {
    if (item.first.Scalar() != "groups") {
      reader.error(item.first, item.first.Scalar(),
                   "field " + item.first.Scalar() + " not found in type rulefmt.RuleGroups");
    }
  }
  const YAML::Node groups = root["groups"];
  if (!groups || groups.IsNull()) return out;
  if (!groups.IsSequence()) {
    reader.error(groups, "groups", "expected a sequence");
    return out;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < groups.size(); ++i) {
    reader.group(groups[i], "groups[" + std::to_string(i) + "]", names, out);
  }
  if (!out.errors.empty()) out.groups.clear();
  return out;
}

RuleFileResult load_rule_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    RuleFileResult out;
    out.errors.push_back(path + ":1:1: (file): cannot open the rule file");
    return out;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_rule_file(buffer.str(), path);
}

}  // namespace specwatch::rules
