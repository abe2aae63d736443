#include "sidecar/rules/rule_scope.h"

#include <array>

namespace specwatch::rules {
namespace {

void collect_selectors(const Expr& expr, std::vector<const VectorSelector*>& out) {
  std::visit(
      [&](const auto& node) {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, VectorSelector>) {
          out.push_back(&node);
        } else if constexpr (std::is_same_v<T, MatrixSelector>) {
          out.push_back(&node.selector);
        } else if constexpr (std::is_same_v<T, Call>) {
          for (const auto& arg : node.args) collect_selectors(*arg, out);
        } else if constexpr (std::is_same_v<T, Aggregation>) {
          if (node.param) collect_selectors(*node.param, out);
          collect_selectors(*node.expr, out);
        } else if constexpr (std::is_same_v<T, Binary>) {
          collect_selectors(*node.lhs, out);
          collect_selectors(*node.rhs, out);
        } else if constexpr (std::is_same_v<T, Unary> || std::is_same_v<T, Paren>) {
          collect_selectors(*node.expr, out);
        }
      },
      expr.node);
}

}  // namespace

bool is_scrape_generated(std::string_view name) {
  static constexpr std::array<std::string_view, 5> kNames = {
      "up", "scrape_duration_seconds", "scrape_samples_scraped",
      "scrape_samples_post_metric_relabeling", "scrape_series_added"};
  for (auto n : kNames) {
    if (n == name) return true;
  }
  return false;
}

bool is_sidecar_namespace(std::string_view name) {
  return name.starts_with("specwatch_");
}

RuleScope classify_expr(const Expr& expr, const VisibleSeries& visible) {
  std::vector<const VectorSelector*> selectors;
  collect_selectors(expr, selectors);
  for (const VectorSelector* s : selectors) {
    for (const auto& m : s->matchers) {
      if (m.name() == "job" && !m.matches(visible.job)) {
        return {false, "selects " + m.to_string() +
                           "; the sidecar's own series carry job=" + quote_go_string(visible.job)};
      }
    }
    if (s->metric_name.empty()) continue;
    if (is_scrape_generated(s->metric_name)) {
      return {false, s->metric_name + " is written by Prometheus' scrapes, not by the sidecar"};
    }
    if (s->metric_name == "ALERTS" || s->metric_name == "ALERTS_FOR_STATE") continue;
    if (!is_sidecar_namespace(s->metric_name) && !visible.has_name(s->metric_name)) {
      return {false, "the sidecar has no series named " + s->metric_name};
    }
  }
  if (selectors.empty()) return {true, "selects no series"};
  return {true, "every series it selects is the sidecar's own"};
}

}  // namespace specwatch::rules
