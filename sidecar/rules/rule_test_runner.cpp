#include "sidecar/rules/rule_test_runner.h"

#include <glob.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "sidecar/rules/duration.h"
#include "sidecar/rules/go_format.h"
#include "sidecar/rules/in_memory_series_source.h"
#include "sidecar/rules/promql_evaluator.h"
#include "sidecar/rules/promql_parser.h"
#include "sidecar/rules/rule_group.h"
#include "sidecar/rules/series_notation.h"

namespace specwatch::rules {
namespace {

constexpr int64_t kMinute = 60 * 1000;

std::string labels_text(const std::vector<Label>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i].name + "=" + quote_go_string(items[i].value);
  }
  return out + "}";
}

struct AlertText {
  Labels labels;
  std::vector<Label> annotations;
  auto operator<=>(const AlertText&) const = default;
  bool operator==(const AlertText&) const = default;
};

std::string indent_lines(const std::string& lines, const std::string& indent) {
  std::string out;
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t nl = lines.find('\n', start);
    if (!first) out += indent;
    first = false;
    out += lines.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (nl == std::string::npos) break;
    out += '\n';
    start = nl + 1;
  }
  return out;
}

std::string alerts_text(const std::vector<AlertText>& alerts) {
  if (alerts.empty()) return "[]";
  std::string out = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    out += i == 0 ? "\n" : ",\n";
    std::string one = "\nLabels:" + alerts[i].labels.to_string() +
                      "\nAnnotations:" + labels_text(alerts[i].annotations);
    out += std::to_string(i) + ":" + indent_lines(one, "  ");
  }
  return out + "\n]";
}

struct Sampled {
  Labels labels;
  double value;
};

std::string samples_text(const std::vector<Sampled>& samples) {
  if (samples.empty()) return "nil";
  std::string out;
  for (size_t i = 0; i < samples.size(); ++i) {
    if (i > 0) out += ", ";
    out += samples[i].labels.to_string() + " " + go_format_float_exponent(samples[i].value);
  }
  return out;
}

std::optional<int64_t> duration_of(const YAML::Node& node) {
  if (!node) return std::nullopt;
  return parse_duration_ms(node.Scalar());
}

class FileRunner {
 public:
  FileRunner(std::string path, const RuleTestOptions& options)
      : path_(std::move(path)), options_(options) {}

  RuleTestReport run() {
    RuleTestReport report;
    report.output = "Unit Testing:  " + path_ + "\n";
    try {
      run_file();
    } catch (const YAML::Exception& e) {
      errors_.push_back(path_ + ":" + std::to_string(e.mark.line + 1) + ":" +
                        std::to_string(e.mark.column + 1) + ": " + e.msg);
    } catch (const std::invalid_argument& e) {
      errors_.push_back(e.what());
    }
    for (const auto& line : skipped_) report.output += "  SKIPPED " + line + "\n";
    if (errors_.empty()) {
      report.passed = true;
      report.output += "  SUCCESS\n\n";
    } else {
      report.output += "  FAILED:\n";
      for (const auto& e : errors_) report.output += e + "\n\n";
      report.output += "\n";
    }
    return report;
  }

 private:
  void run_file() {
    YAML::Node root = YAML::LoadFile(path_);
    rule_files_ = rule_files_of(root, path_);
    eval_interval_ = duration_of(root["evaluation_interval"]).value_or(kMinute);
    if (eval_interval_ <= 0) eval_interval_ = kMinute;
    for (const auto& name : root["group_eval_order"]) group_order_.push_back(name.Scalar());
    for (const auto& test : root["tests"]) run_group(test);
  }

  void run_group(const YAML::Node& test) {
    std::string name = test["name"] ? test["name"].Scalar() : "";
    InMemorySeriesSource store;
    int64_t interval = duration_of(test["interval"]).value_or(eval_interval_);
    if (interval <= 0) interval = eval_interval_;
    for (const auto& series : test["input_series"]) {
      ParsedMetric metric = parse_metric(series["series"].Scalar());
      if (!metric.error.empty()) {
        errors_.push_back("    series " + quote_go_string(series["series"].Scalar()) + ": " +
                          metric.error);
        return;
      }
      SeriesValues values = parse_series_values(series["values"].Scalar());
      if (!values.error.empty()) {
        errors_.push_back("    series " + quote_go_string(series["series"].Scalar()) + ": " +
                          values.error);
        return;
      }
      for (size_t i = 0; i < values.values.size(); ++i) {
        if (values.values[i])
          store.append(metric.labels, static_cast<int64_t>(i) * interval, *values.values[i]);
      }
    }
    AlertingContext context;
    std::vector<Label> external;
    if (test["external_labels"]) {
      for (const auto& item : test["external_labels"])
        external.push_back({item.first.Scalar(), item.second.Scalar()});
    }
    context.external_labels = Labels(external);
    if (test["external_url"]) context.external_url = test["external_url"].Scalar();

    std::vector<std::unique_ptr<RuleGroup>> groups;
    for (const auto& file : rule_files_) {
      RuleFileResult loaded = load_rule_file(file);
      if (!loaded.ok()) {
        for (const auto& e : loaded.errors) errors_.push_back(e);
        return;
      }
      for (auto& g : loaded.groups)
        groups.push_back(std::make_unique<RuleGroup>(std::move(g), context));
    }
    auto order = [&](const RuleGroup& g) {
      auto it = std::find(group_order_.begin(), group_order_.end(), g.name());
      return it == group_order_.end() ? -1 : static_cast<int>(it - group_order_.begin());
    };
    std::stable_sort(groups.begin(), groups.end(),
                     [&](const auto& a, const auto& b) { return order(*a) < order(*b); });

    std::map<int64_t, std::vector<YAML::Node>> alert_tests;
    int64_t max_eval = 0;
    for (const auto& t : test["alert_rule_test"]) {
      int64_t at = duration_of(t["eval_time"]).value_or(0);
      if (!t["alertname"] || t["alertname"].Scalar().empty()) {
        errors_.push_back(
            "an item under alert_rule_test misses required attribute alertname at eval_time " +
            format_duration_ms(at) + (name.empty() ? "" : " (in TestGroup " + name + ")"));
        return;
      }
      alert_tests[at].push_back(t);
      max_eval = std::max(max_eval, at);
    }
    for (const auto& t : test["promql_expr_test"])
      max_eval = std::max(max_eval, duration_of(t["eval_time"]).value_or(0));

    std::string test_name = name.empty() ? "" : "    name: " + name + ",\n";
    auto next_check = alert_tests.begin();
    for (int64_t ts = 0; ts <= max_eval; ts += eval_interval_) {
      bool failed = false;
      for (auto& g : groups) {
        GroupEvaluation result = g->eval(ts, store, store);
        for (const auto& r : result.rules) {
          if (r.error.empty()) continue;
          errors_.push_back("    rule: " + r.rule_name + ", time: " + format_duration_ms(ts) +
                            ", err: " + r.error);
          failed = true;
        }
      }
      if (failed) return;
      while (next_check != alert_tests.end() && ts <= next_check->first &&
             next_check->first < ts + eval_interval_) {
        for (const auto& t : next_check->second) check_alerts(t, groups, test_name);
        ++next_check;
      }
    }
    for (const auto& t : test["promql_expr_test"]) check_expr(t, store);
  }

  void check_alerts(const YAML::Node& t, const std::vector<std::unique_ptr<RuleGroup>>& groups,
                    const std::string& test_name) {
    std::string alertname = t["alertname"].Scalar();
    if (options_.skip_reason) {
      for (const auto& g : groups) {
        for (const auto* rule : g->alerting_rules()) {
          if (rule->name() != alertname) continue;
          if (std::string why = options_.skip_reason(*rule->spec().expr); !why.empty()) {
            skipped_.push_back("alertname: " + alertname + " at " +
                               format_duration_ms(duration_of(t["eval_time"]).value_or(0)) + ": " +
                               why);
            return;
          }
        }
      }
    }
    std::vector<AlertText> got;
    for (const auto& g : groups) {
      for (const auto* rule : g->alerting_rules()) {
        if (rule->name() != alertname) continue;
        for (const auto* a : rule->alerts()) {
          if (a->state == AlertState::kFiring) got.push_back(AlertText{a->labels, a->annotations});
        }
      }
    }
    std::vector<AlertText> expected;
    for (const auto& a : t["exp_alerts"]) {
      std::vector<Label> labels{{"alertname", alertname}};
      for (const auto& l : a["exp_labels"]) labels.push_back({l.first.Scalar(), l.second.Scalar()});
      std::vector<Label> annotations;
      for (const auto& l : a["exp_annotations"])
        annotations.push_back({l.first.Scalar(), l.second.Scalar()});
      std::sort(annotations.begin(), annotations.end());
      expected.push_back(AlertText{Labels(labels), annotations});
    }
    std::sort(got.begin(), got.end());
    std::sort(expected.begin(), expected.end());
    if (got == expected) return;
    errors_.push_back(test_name + "    alertname: " + alertname +
                      ", time: " + format_duration_ms(duration_of(t["eval_time"]).value_or(0)) +
                      ", \n        exp:" + indent_lines(alerts_text(expected), "            ") +
                      ", \n        got:" + indent_lines(alerts_text(got), "            "));
  }

  void check_expr(const YAML::Node& t, const InMemorySeriesSource& store) {
    std::string expr = t["expr"].Scalar();
    int64_t at = duration_of(t["eval_time"]).value_or(0);
    std::string prefix = "    expr: " + quote_go_string(expr) + ", time: " + format_duration_ms(at);
    ParsedExpr parsed = parse_promql(expr);
    if (!parsed.ok()) {
      errors_.push_back(prefix + ", err: " + parsed.error);
      return;
    }
    if (options_.skip_reason) {
      if (std::string why = options_.skip_reason(*parsed.expr); !why.empty()) {
        skipped_.push_back("expr: " + quote_go_string(expr) + " at " + format_duration_ms(at) +
                           ": " + why);
        return;
      }
    }
    QueryResult result = evaluate_instant(*parsed.expr, store, at);
    if (!result.ok()) {
      errors_.push_back(prefix + ", err: " + result.error);
      return;
    }
    std::vector<Sampled> got;
    if (result.is_scalar) got.push_back(Sampled{Labels(), result.scalar});
    for (auto& e : result.vector) got.push_back(Sampled{std::move(e.labels), e.v});
    std::vector<Sampled> expected;
    for (const auto& s : t["exp_samples"]) {
      std::string text = s["labels"] ? s["labels"].Scalar() : "";
      ParsedMetric metric = parse_metric(text);
      if (!metric.error.empty()) {
        errors_.push_back(prefix + ", err: labels " + quote_go_string(text) + ": " + metric.error);
        return;
      }
      expected.push_back(Sampled{metric.labels, s["value"].as<double>()});
    }
    auto by_labels = [](const Sampled& a, const Sampled& b) { return a.labels < b.labels; };
    std::sort(got.begin(), got.end(), by_labels);
    std::sort(expected.begin(), expected.end(), by_labels);
    bool equal = got.size() == expected.size();
    for (size_t i = 0; equal && i < got.size(); ++i) {
      bool both_nan = std::isnan(got[i].value) && std::isnan(expected[i].value);
      equal =
          got[i].labels == expected[i].labels && (both_nan || got[i].value == expected[i].value);
    }
    if (equal) return;
    errors_.push_back(prefix + ",\n        exp: " + samples_text(expected) +
                      "\n        got: " + samples_text(got));
  }

  std::string path_;
  const RuleTestOptions& options_;
  std::vector<std::string> skipped_;
  std::vector<std::string> rule_files_;
  std::vector<std::string> group_order_;
  int64_t eval_interval_ = kMinute;
  std::vector<std::string> errors_;
};

}  // namespace

std::vector<std::string> rule_files_of(const YAML::Node& root, const std::string& test_file) {
  std::vector<std::string> out;
  auto base = std::filesystem::path(test_file).parent_path();
  for (const auto& f : root["rule_files"]) {
    std::filesystem::path p(f.Scalar());
    if (p.is_relative()) p = base / p;
    glob_t g{};
    if (::glob(p.c_str(), 0, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
  }
  return out;
}

RuleTestReport run_rule_test_file(const std::string& path, const RuleTestOptions& options) {
  return FileRunner(path, options).run();
}

RuleTestReport run_rule_test_files(const std::vector<std::string>& paths,
                                   const RuleTestOptions& options) {
  RuleTestReport all;
  all.passed = true;
  for (const auto& p : paths) {
    RuleTestReport one = run_rule_test_file(p, options);
    all.passed = all.passed && one.passed;
    all.output += one.output;
  }
  return all;
}

}  // namespace specwatch::rules
